/**
 * The filter lists the doctor and `npm run prefix` lint against: Ghostery's tracker database, shipped in the
 * maintained @ghostery/trackerdb package (so it works offline), EasyPrivacy and AdGuard Tracking Protection
 * downloaded when there is a network, and any list the user passes (a file or a URL).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { FilterList } from "./filters.ts";

export const ONLINE_LISTS = [
  { name: "EasyPrivacy", src: "https://easylist.to/easylist/easyprivacy.txt" },
  { name: "AdGuard Tracking Protection", src: "https://filters.adtidy.org/extension/ublock/filters/3.txt" },
];

export function bundledList(): FilterList {
  const file = `${dirname(createRequire(import.meta.url).resolve("@ghostery/trackerdb"))}/../trackerdb.txt`;
  return { name: "Ghostery tracker database", text: readFileSync(file, "utf8") };
}

export async function loadFilterLists(extra: readonly string[], offline: boolean): Promise<{ lists: FilterList[]; notes: string[] }> {
  const lists = [bundledList()];
  const notes: string[] = [];
  for (const { name, src } of [...ONLINE_LISTS, ...extra.map((src) => ({ name: src, src }))]) {
    if (!/^https?:/.test(src)) {
      lists.push({ name, text: readFileSync(src, "utf8") });
    } else if (offline) {
      notes.push(`${name}: not downloaded (--offline)`);
    } else {
      try {
        const res = await fetch(src, { signal: AbortSignal.timeout(15_000) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        lists.push({ name, text: await res.text() });
      } catch (e) {
        notes.push(`${name}: not downloaded (${(e as Error).message}); pass a saved copy with --list FILE`);
      }
    }
  }
  return { lists, notes };
}
