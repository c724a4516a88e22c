/**
 * A random prefix that is clean: short, meaningless, passes the config's own word lint and matches no rule of
 * the filter lists, together with the config's route names (a rule may match "/ab/e" but not "/ab").
 */
import { randomInt } from "node:crypto";
import { blockedPrefixWord } from "../../src/config/lints.ts";
import type { Config } from "../../src/config/schema.ts";
import { compileLists, lintNames, type FilterList } from "../doctor/filters.ts";

const LETTERS = "abcdefghjkmnpqrstuvwxyz";
const ALNUM = `${LETTERS}23456789`;

/** One candidate: a letter then two or three letters or digits (no 0/o, 1/l/i: read aloud, copied by hand). */
export function randomPrefix(rand: (n: number) => number = randomInt): string {
  const len = 3 + rand(2);
  let p = LETTERS[rand(LETTERS.length)]!;
  while (p.length < len) p += ALNUM[rand(ALNUM.length)]!;
  return `/${p}`;
}

export interface PrefixLint {
  prefix: string;
  problems: string[];
}

export function lintPrefix(prefix: string, cfg: Config, compiled: ReturnType<typeof compileLists>, host = "t.example.net", site = "example.net"): PrefixLint {
  const problems: string[] = [];
  const word = blockedPrefixWord(prefix);
  if (word) problems.push(`contains "${word}", a word ad blockers match`);
  if (!/^(\/[A-Za-z0-9_-]+)+$/.test(prefix)) problems.push("is not a path such as /k7q");
  const hits = lintNames(compiled, { host, site, prefixes: [prefix], routes: cfg.routes, global: cfg.sdk_global, cookies: [] });
  for (const h of hits) problems.push(`${h.what} is matched by ${h.list}: ${h.rule}`);
  return { prefix, problems };
}

/** The first clean random prefix that differs from every active one. */
export function proposePrefix(cfg: Config, lists: readonly FilterList[], rand?: (n: number) => number, tries = 200): PrefixLint {
  const compiled = compileLists(lists);
  const taken = new Set([cfg.prefix, ...cfg.previous_prefixes]);
  for (let i = 0; i < tries; i++) {
    const p = randomPrefix(rand);
    if (taken.has(p)) continue;
    const lint = lintPrefix(p, cfg, compiled);
    if (lint.problems.length === 0) return lint;
  }
  throw new Error(`no clean prefix in ${tries} tries: the lists match almost everything (check --list)`);
}
