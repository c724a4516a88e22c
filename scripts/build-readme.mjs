#!/usr/bin/env node
/** npm run readme: assembles README.md from docs/*.md (the per-area sources), headings one level down. */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const read = (f) => readFileSync(`${root}docs/${f}`, "utf8").trim();
const AREAS = ["foundation.md", "privacy.md", "sdk.md", "s2s.md", "delivery.md", "operating.md", "normalization.md", "routing-rules.md"];
const DESTINATIONS = [
  "destinations-meta.md", "destinations-google-ads.md", "destinations-tiktok.md", "destinations-linkedin.md",
  "destinations-snapchat.md", "destinations-pinterest.md", "destinations-reddit.md", "destinations-ga4.md",
  "destinations-analytics.md", "destinations-hubspot.md", "destinations-salesforce.md",
];

/** Moves every Markdown heading outside code fences down by `by` levels. */
function demote(text, by) {
  let fence = false;
  return text
    .split("\n")
    .map((line) => {
      if (line.startsWith("```")) fence = !fence;
      return !fence && /^#{1,5} /.test(line) ? "#".repeat(by) + line : line;
    })
    .join("\n");
}

const others = readdirSync(`${root}docs`).filter((f) => f.startsWith("destinations-") && !DESTINATIONS.includes(f)).sort();
const parts = [read("_head.md")];
for (const f of AREAS) if (existsSync(`${root}docs/${f}`)) parts.push(demote(read(f), 1));
parts.push(
  "## Destinations\n\nEvery destination is a block under `[vars.TAGWIRE_CONFIG.destinations.<id>]` with its `type`, the common keys " +
    "(`mode = \"live\" | \"dry_run\" | \"test\"`, `endpoint` to override the vendor host for regional hosts and test doubles, `purpose`, " +
    "`ip = \"keep\" | \"truncate\" | \"drop\"`, an `events` name map, `only_events`, `freshness_hours`, `forward_bots`) and its own " +
    "settings below. Secrets are always named, never inlined. Each destination's exact outbound requests are pinned by contract " +
    "cases in `test/contracts/`.",
);
for (const f of [...DESTINATIONS, ...others]) if (existsSync(`${root}docs/${f}`)) parts.push(demote(read(f), 2));
if (existsSync(`${root}BENCHMARKS.md`)) {
  parts.push(
    "## Benchmarks\n\n`npm run bench` runs the Worker on workerd itself (Miniflare), beside an empty Worker, and prints throughput, " +
      "CPU per request and the ratio, the pipeline's CPU per event measured inside workerd, and the SDK's size. The figures, the " +
      "machine and how they compare with the targets are in [BENCHMARKS.md](BENCHMARKS.md).",
  );
}
writeFileSync(`${root}README.md`, `${parts.join("\n\n").trimEnd()}\n`);
console.log(`README.md assembled from ${parts.length - 1} sections`);
