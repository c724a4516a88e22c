/** The <head> queue snippet for a given script URL and global name, ready to paste inside a <script> tag. */
import { SNIPPET_JS } from "./generated.ts";
import { DEFAULT_GLOBAL, GLOBAL_PLACEHOLDER } from "./served.ts";

export function snippetFor(src: string, global: string = DEFAULT_GLOBAL): string {
  // JSON string syntax is JS string syntax; "<" is escaped so the URL cannot close the <script> element.
  return SNIPPET_JS.replace('"__TAGWIRE_SRC__"', () => JSON.stringify(src).replace(/</g, "\\u003c")).replaceAll(GLOBAL_PLACEHOLDER, global);
}
