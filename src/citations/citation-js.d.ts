// citation-js ships JavaScript without type declarations; these cover the small part this project uses.
declare module '@citation-js/core' {
  /** A CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html). */
  export type CslItem = Record<string, unknown>;
  export class Cite {
    constructor(data: unknown, options?: Record<string, unknown>);
    data: CslItem[];
    format(format: string, options?: Record<string, unknown>): string;
  }
  export const plugins: { config: { get(name: string): Record<string, Record<string, unknown>> } };
}
declare module '@citation-js/plugin-bibtex' {}
declare module '@citation-js/plugin-ris' {}
declare module '@citation-js/name' {
  /** A CSL name: `family`, `given`, particles, or `literal`. */
  export function parse(name: string): Record<string, string>;
}
