/**
 * Set by the build (scripts/build-sdk.ts) to placeholders that the Worker replaces with the configured global
 * name (`sdk_global`, window.tagwire by default) and events route (`routes.events`, e by default).
 */
declare const TAGWIRE_GLOBAL: string;
declare const TAGWIRE_EVENTS: string;
