/**
 * Credentials out of store URLs, for logs and messages. Its own module so that the configuration can use it
 * without loading the store adapters.
 */

/** The URL with any password (and user) replaced by `***`, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '' || parsed.username !== '') {
      parsed.username = parsed.username === '' ? '' : '***';
      parsed.password = parsed.password === '' ? '' : '***';
    }
    for (const name of ['password', 'pass', 'secret', 'token']) {
      if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
    }
    return parsed.toString().replace(/\/$/, '');
  } catch {
    // Unparseable (e.g. a `/` inside the password): hide everything between the scheme and the last `@`.
    const at = url.lastIndexOf('@');
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
    return at > scheme.length ? `${scheme}***${url.slice(at)}` : url;
  }
}

/** The user name and password a URL carries (decoded and as written), to scrub from any text; empty when none. */
export function urlCredentials(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const parsed = new URL(url);
    return [parsed.password, parsed.username].flatMap((part) => [part, safeDecode(part)]).filter((part) => part.length >= 3);
  } catch {
    const match = /^[a-z][a-z0-9+.-]*:\/\/(.+)@[^@]*$/i.exec(url);
    return match?.[1] ? [match[1]] : [];
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
