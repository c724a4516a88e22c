/** The generic runner: each destination's contract cases → the exact outbound requests. */
import { describe, expect, it } from "vitest";
import { CONTRACTS } from "./index.ts";
import { parseBody, runContract } from "./run.ts";

for (const mod of CONTRACTS) {
  describe(`${mod.type} contract`, () => {
    for (const c of mod.cases) {
      it(c.name, async () => {
        const { requests, results } = await runContract(mod, c.events, { settings: c.settings, plan: c.plan, responses: c.responses, rules: c.rules });
        expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual(c.expect.requests.map((r) => `${r.method} ${r.url}`));
        c.expect.requests.forEach((want, i) => {
          const got = requests[i]!;
          if (want.headers) {
            for (const [k, v] of Object.entries(want.headers)) expect(got.headers[k.toLowerCase()], `header ${k}`).toBe(v);
          }
          if (want.body !== undefined) {
            if (typeof want.body === "string") expect(got.body).toBe(want.body);
            else expect(parseBody(got.body)).toEqual(want.body);
          }
        });
        for (const s of c.expect.skipped ?? []) {
          const r = results.find((x) => x.event_id === s.event_id);
          expect(r, `result for ${s.event_id}`).toBeDefined();
          expect(r!.kind).toBe("skipped");
          expect("reason" in r! ? r.reason : "").toContain(s.reason);
        }
        for (const [id, kind] of Object.entries(c.expect.outcomes ?? {})) {
          expect(results.find((x) => x.event_id === id)?.kind, `outcome of ${id}`).toBe(kind);
        }
      });
    }
  });
}
