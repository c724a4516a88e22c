import { describe, expect, it } from "vitest";
import { renderTemplate, templateProblems } from "../../src/rules/template.ts";
import { leadEvent, minimalEvent } from "../contracts/fixture.ts";

describe("rule templates", () => {
  it("replaces placeholders with event fields", () => {
    expect(renderTemplate("Hot lead: {{user.first_name}} {{ user.last_name }} scored {{properties.score}}", leadEvent())).toBe(
      "Hot lead: Jane Doe scored 91",
    );
  });
  it("uses the first present field of a fallback list", () => {
    expect(renderTemplate("{{user.email|anonymous_id}}", minimalEvent())).toBe("01970a5e-2f00-7000-8000-000000000001");
  });
  it("renders an absent field as nothing", () => {
    expect(renderTemplate("[{{properties.nope}}]", leadEvent())).toBe("[]");
  });
  it("reports placeholders that name no canonical field", () => {
    expect(templateProblems("{{user.email}} {{usr.email}}")).toEqual([
      expect.stringMatching(/^\{\{usr\.email\}\}: unknown field "usr"/),
    ]);
  });
});
