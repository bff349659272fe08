/**
 * The demo page served at /: lib/server/page/index.html with page.css and the script built from
 * page/client.ts (`npm run build`: tsconfig.page.json -> dist/browser/) put inline in place of
 * the tags that name them, each with the request's CSP nonce: the CSP allows no other script or
 * style, and the page loads nothing remote.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { describeFsError, FileError } from '../errors';
import { DECODED_FORMAT_NAMES, DECODED_FORMATS } from '../image/formats';
import { PACKAGE_ROOT } from '../package-root';

/** Where the page's three parts are. */
export interface PageFiles {
  readonly html: string;
  readonly css: string;
  /** the built script (client.ts compiled for the browser) */
  readonly script: string;
}

const SOURCES = path.join(PACKAGE_ROOT, 'lib', 'server', 'page');

/** The parts as the package ships them (package.json "files"), from the sources or the build alike. */
export const PAGE_FILES: PageFiles = {
  html: path.join(SOURCES, 'index.html'),
  css: path.join(SOURCES, 'page.css'),
  script: path.join(PACKAGE_ROOT, 'dist', 'browser', 'server', 'page', 'client.js'),
};

/** The tags of index.html that the inline style and script replace. */
const STYLE_TAG = '<link rel="stylesheet" href="page.css">';
const SCRIPT_TAG = '<script type="module" src="client.js"></script>';

/** The page with `nonce` on its inline style and script. */
export type PageRenderer = (nonce: string) => string;

function readPart(file: string, whenMissing: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new FileError(file, (err as NodeJS.ErrnoException).code === 'ENOENT' ? whenMissing : describeFsError(err), { cause: err });
  }
}

/** The text before and after the one `tag` in `html`. */
function around(html: string, tag: string, file: string): [string, string] {
  const at = html.indexOf(tag);
  if (at < 0 || html.includes(tag, at + 1)) throw new FileError(file, `must hold '${tag}' once, after the stylesheet's tag (the server inlines that part there)`);
  return [html.slice(0, at), html.slice(at + tag.length)];
}

/**
 * Reads the page's parts once, so that a server with a missing build fails when it starts (naming
 * the file and `npm run build`) rather than on the first visit.
 */
export function loadPage(files: PageFiles = PAGE_FILES): PageRenderer {
  const incomplete = 'no such file (the package is incomplete: reinstall it)';
  const html = readPart(files.html, incomplete);
  const css = readPart(files.css, incomplete);
  const script = readPart(files.script, 'no such file: the page\'s script is built from lib/server/page/client.ts by `npm run build`');
  if (/<\/style/i.test(css)) throw new FileError(files.css, "holds '</style', which would end the inline style early");
  if (/<\/script|<!--/i.test(script)) throw new FileError(files.script, "holds '</script' or '<!--', which would break the inline script");
  if (/^\s*import\b/m.test(script)) {
    throw new FileError(files.script, 'imports a module at run time, which the inline script cannot load under the page\'s CSP (client.ts may import types only)');
  }
  // the formats the server decodes, from the one list every command reads (names have no markup)
  const filled = html.replace(/%PHOTO_FORMATS%/g, DECODED_FORMAT_NAMES).replace(/%PHOTO_TYPES%/g, DECODED_FORMATS.map((f) => f.mime).join(','));
  const [head, rest] = around(filled, STYLE_TAG, files.html);
  const [body, tail] = around(rest, SCRIPT_TAG, files.html);
  return (nonce) => {
    if (!/^[A-Za-z0-9+/=]+$/.test(nonce)) throw new RangeError(`nonce must be base64, got '${nonce}'`);
    return `${head}<style nonce="${nonce}">\n${css}</style>${body}<script type="module" nonce="${nonce}">\n${script}</script>${tail}`;
  };
}
