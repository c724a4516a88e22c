/**
 * What this isolate believes about each destination's health, so the consumer asks its Backlog object nothing
 * while a destination works. Belief comes from evidence, not from polling: a failed round (reported to the
 * object, which then holds the truth for every isolate) or the answer to a park call. An isolate that missed an
 * outage finds out from its own next failed round; one that believes a destination down learns it is back from
 * the next park call, which the object answers "not parked" once the destination is up.
 */
const down = new Set<string>();

export const health = {
  isDown: (destination: string): boolean => down.has(destination),
  markDown: (destination: string): void => void down.add(destination),
  markUp: (destination: string): void => void down.delete(destination),
};
