/** The frame of every console page: title, navigation, a little CSS; no scripts but the page's own. */
import { type Html, type HtmlPart, html, trusted } from "./html.js";

const CSS = `
:root { font-family: system-ui, sans-serif; color: #1d2330; }
body { margin: 0; }
header { background: #1d2330; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1.4rem; align-items: baseline; }
header a { color: #cfd8ea; text-decoration: none; } header a.here { color: #fff; font-weight: 600; }
header .brand { font-weight: 700; color: #fff; margin-right: 1rem; }
main { padding: 1rem 1.2rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e3e6ee; vertical-align: top; }
th { background: #f4f6fa; font-weight: 600; }
.state { padding: .1rem .45rem; border-radius: .7rem; font-size: .8rem; background: #e3e6ee; white-space: nowrap; }
.state.COMPLETED { background: #d5f5dd; } .state.RUNNING, .state.SUBMITTED { background: #d8e8ff; }
.state.FAILED, .state.SUBMISSION_FAILED { background: #ffdcdc; } .state.PENDING, .state.NEW { background: #fff1c9; }
pre { background: #0f1420; color: #d8dee9; padding: .8rem; overflow: auto; max-height: 32rem; font-size: .8rem; }
.diagnosis { background: #fff6dd; border-left: 4px solid #e0a800; padding: .6rem 1rem; }
.error { background: #ffe9e9; border-left: 4px solid #d33; padding: .6rem 1rem; }
.muted { color: #6b7385; } form.filters { display: flex; gap: .6rem; margin-bottom: .8rem; align-items: end; }
.bar { background: #e3e6ee; height: .5rem; width: 10rem; border-radius: .25rem; overflow: hidden; }
.bar > span { display: block; height: 100%; background: #4a7be0; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; } dt { font-weight: 600; }
`;

export type Section = "apps" | "scheduled" | "sessions" | "queues" | "workflows";

const NAV: [Section, string, string][] = [
  ["apps", "Applications", "/ui/apps"],
  ["scheduled", "Scheduled", "/ui/scheduled"],
  ["sessions", "Sessions", "/ui/sessions"],
  ["queues", "Queues", "/ui/queues"],
  ["workflows", "Workflows", "/ui/workflows"],
];

export function page(title: string, section: Section, body: HtmlPart, script?: string): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${title} · sparkplane</title><style>${trusted(CSS)}</style></head>
<body><header><span class="brand">sparkplane</span>${NAV.map(
    ([s, label, href]) => html`<a href="${href}" class="${s === section ? "here" : ""}">${label}</a>`,
  )}<a href="/api/v1/openapi.json">API</a></header>
<main>${body}</main>${script ? html`<script>${trusted(script)}</script>` : ""}</body></html>`;
}

export function stateBadge(state: string): Html {
  const shown = state === "" ? "NEW" : state;
  return html`<span class="state ${shown}">${shown}</span>`;
}

export function errorBox(message: string): Html {
  return html`<p class="error">${message}</p>`;
}
