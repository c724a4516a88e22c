#!/usr/bin/env node
/**
 * npm run readme: writes README.md, the short landing page: docs/_head.md (what it is, quick start, go live,
 * where to look when conversions are missing) followed by a table of contents into docs/, one line per page
 * (its title and the first sentence under it). The reference itself stays in docs/, one page per area and per
 * destination, so the README stays readable in a few minutes.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(`npm run readme

Writes README.md from docs/_head.md and a table of contents of docs/*.md (title and first sentence of each
page), setting up: go live, areas, destinations, operating. Fails when the result is longer than ${250} lines.`);
  process.exit(0);
}

export const MAX_LINES = 250;
const root = fileURLToPath(new URL("..", import.meta.url));
const read = (f) => readFileSync(`${root}docs/${f}`, "utf8");

/** Sections of the table of contents: pages in this order first; other pages land by their name. */
const SECTIONS = [
  ["Going live", ["go-live.md", "gtag-gtm.md", "naming.md", "doctor.md", "rollouts.md", "scale.md"]],
  ["How it works", ["foundation.md", "sdk.md", "s2s.md", "dedupe.md", "delivery.md", "identity.md", "privacy.md", "routing-rules.md", "normalization.md", "architecture.md"]],
  ["Destinations", ["destinations.md", "destinations-meta.md", "destinations-google-ads.md", "destinations-tiktok.md", "destinations-linkedin.md",
    "destinations-snapchat.md", "destinations-pinterest.md", "destinations-reddit.md", "destinations-ga4.md", "destinations-analytics.md",
    "destinations-hubspot.md", "destinations-salesforce.md", "destinations-webhook.md"]],
  ["Operating", ["missing-conversions.md", "operating.md", "ledger.md", "alerts.md", "archive.md"]],
];

/** Up to the first ".", ":", "!" or "?" that ends a sentence outside code spans and parentheses. */
function firstSentence(text) {
  let depth = 0;
  let code = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "`") code = !code;
    else if (!code && c === "(") depth++;
    else if (!code && c === ")") depth = Math.max(0, depth - 1);
    else if (!code && depth === 0 && ".:!?".includes(c) && (i + 1 === text.length || text[i + 1] === " ")) {
      return text.slice(0, i) + (c === ":" ? "." : c);
    }
  }
  return text;
}

/** A page's title (its first heading) and the first sentence of its first paragraph. */
function summary(file) {
  const lines = read(file).split("\n");
  const title = (lines.find((l) => l.startsWith("# ")) ?? file).replace(/^# /, "").trim();
  let para = "";
  let fence = false;
  for (const l of lines.slice(lines.findIndex((x) => x.startsWith("# ")) + 1)) {
    if (l.startsWith("```")) fence = !fence;
    if (fence || l.startsWith("#") || l.startsWith("|") || l.startsWith(">")) {
      if (para) break;
      continue;
    }
    if (!l.trim()) {
      if (para) break;
      continue;
    }
    para += `${para ? " " : ""}${l.trim()}`;
  }
  return { title, sentence: firstSentence(para.replace(/\[([^\]]+)\]\([^)]+\)/g, "$1")) };
}

const pages = readdirSync(`${root}docs`).filter((f) => f.endsWith(".md") && !f.startsWith("_"));
const placed = new Set(SECTIONS.flatMap(([, fs]) => fs));
const extra = pages.filter((f) => !placed.has(f)).sort();
const toc = ["## Documentation", ""];
for (const [name, files] of SECTIONS) {
  // A page no section lists: a destination's under Destinations, anything else under Operating.
  const strays = extra.filter((f) => (name === "Destinations" && f.startsWith("destinations-")) || (name === "Operating" && !f.startsWith("destinations-")));
  const here = [...files.filter((f) => pages.includes(f)), ...strays];
  if (here.length === 0) continue;
  toc.push(`**${name}**`, "");
  for (const f of here) {
    const { title, sentence } = summary(f);
    toc.push(`- [${title}](docs/${f}): ${sentence}`);
  }
  toc.push("");
}
if (existsSync(`${root}BENCHMARKS.md`)) toc.push("Benchmarks: [BENCHMARKS.md](BENCHMARKS.md) (`npm run bench`).", "");

const readme = `${read("_head.md").trim()}\n\n${toc.join("\n").trimEnd()}\n`;
const count = readme.split("\n").length;
writeFileSync(`${root}README.md`, readme);
if (count > MAX_LINES) {
  console.error(`README.md is ${count} lines (limit ${MAX_LINES}): move detail from docs/_head.md into a page of docs/`);
  process.exit(1);
}
console.log(`README.md written: ${count} lines, ${pages.length} pages in docs/`);
