// Flat config: typescript-eslint's recommended rules over every TypeScript file in the project, plus the layering
// of docs/architecture.md enforced with ESLint's own `no-restricted-imports`, and eslint-plugin-regexp's
// super-linear-backtracking rules over all non-test code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import regexp from 'eslint-plugin-regexp';

/** The units every other unit may import: translations, logging, configuration and their helpers. */
const BASE = ['i18n/', 'log.ts', 'config.ts', 'redact.ts', 'paths.ts', 'source-spec.ts', 'slices.ts'];
/** The layers below the interaction layer, bottom to top (what the jobs, the CLI, the preview and metrics may use). */
const BELOW_JOBS = ['digest/', 'store/', 'search/', 'citations/', 'archive.ts', 'sources/', 'metadata/', 'discord/'];
const UP_TO_JOBS = [...BELOW_JOBS, 'jobs/'];
const SERVICES = ['digest/', 'store/', 'search/', 'citations/', 'archive.ts', 'sources/', 'metadata/'];

/**
 * The layering, bottom to top: each unit (a folder of src/ with a trailing `/`, a top-level file of src/, or
 * `commands/`) and the units it may import besides {@link BASE} and itself. Everything else is refused by lint.
 * docs/architecture.md explains each row; tests/unit/layering.test.ts checks that every folder and file of src/ has
 * one. `typeOnly` units may be imported for their types only.
 * @type {{ unit: string, may: string[], typeOnly?: string[] }[]}
 */
export const LAYERS = [
  ...BASE.map((unit) => ({ unit, may: [] })),
  { unit: 'digest/', may: [] },
  { unit: 'store/', may: ['digest/'] },
  { unit: 'search/', may: ['digest/'] },
  { unit: 'citations/', may: ['digest/'] },
  { unit: 'archive.ts', may: ['digest/', 'store/', 'search/'] },
  { unit: 'sources/', may: ['digest/', 'store/'] },
  { unit: 'metadata/', may: ['digest/'], typeOnly: ['store/'] },
  { unit: 'discord/', may: ['digest/', 'store/', 'search/', 'citations/', 'archive.ts', 'sources/', 'metadata/'] },
  { unit: 'app.ts', may: SERVICES },
  { unit: 'status.ts', may: [...SERVICES, 'app.ts'] },
  { unit: 'jobs/', may: BELOW_JOBS },
  { unit: 'metrics/', may: UP_TO_JOBS },
  { unit: 'interactions/', may: [...UP_TO_JOBS, 'app.ts', 'status.ts'] },
  { unit: 'commands/', may: [...UP_TO_JOBS, 'app.ts', 'status.ts', 'interactions/'] },
  { unit: 'preview/', may: UP_TO_JOBS },
  { unit: 'cli/', may: UP_TO_JOBS },
  { unit: 'bot.ts', may: [...UP_TO_JOBS, 'app.ts', 'status.ts', 'interactions/', 'metrics/'] },
  { unit: 'main.ts', may: [...UP_TO_JOBS, 'app.ts', 'status.ts', 'interactions/', 'metrics/', 'bot.ts', 'preview/'] },
  { unit: 'cli.ts', may: [...UP_TO_JOBS, 'cli/'] },
  { unit: 'deploy-commands.ts', may: [...UP_TO_JOBS, 'interactions/'] },
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const shown = (unit) => (unit === 'commands/' ? unit : `src/${unit}`);
const filesOf = (unit) => (unit === 'commands/' ? ['commands/**/*.ts'] : unit.endsWith('/') ? [`src/${unit}**/*.ts`] : [`src/${unit}`]);

/**
 * The import specifiers that reach `target` from a file of `from`. Written per position of the importing file,
 * so that `./archive.ts` inside src/cli/ (its own archive.ts) is not mistaken for src/archive.ts.
 */
function specifierRegex(from, target) {
  const tail = target.endsWith('/') ? escape(target) : `${escape(target)}$`;
  if (target === 'commands/') return '^(\\.\\./)+commands/';
  if (from === 'commands/') return `^(\\.\\./)+src/${tail}`;
  // A top-level file of src/ imports with `./`; a file inside a folder climbs with `../`.
  return from.endsWith('/') ? `^(\\.\\./)+${tail}` : `^\\./${tail}`;
}

/** One config block per unit: `no-restricted-imports` with a pattern for every unit it may not import. */
const layering = LAYERS.map(({ unit, may, typeOnly = [] }) => {
  const allowed = new Set([unit, ...BASE, ...may]);
  const refused = LAYERS.map((layer) => layer.unit).filter((other) => !allowed.has(other));
  return {
    files: filesOf(unit),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: refused.map((other) => ({
            regex: specifierRegex(unit, other),
            ...(typeOnly.includes(other) && { allowTypeImports: true }),
            message: `${shown(unit)} may not import ${shown(other)}${typeOnly.includes(other) ? ' except for types' : ''} (the layering in docs/architecture.md).`,
          })),
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Every regex may meet untrusted text (digests, queries, imports): super-linear backtracking is an error.
  // Only the two super-linear rules for now; the plugin's style rules would touch every workstream's files at once.
  // Tests are left out: their regexes read the project's own output, not untrusted text.
  {
    files: ['src/**/*.ts', 'commands/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  ...layering,
  {
    files: ['scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
