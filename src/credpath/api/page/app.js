// credpath's page: plain ES modules over the public /v1 API (see the "API request" boxes for each call).
import * as api from "./api.js";
import { combobox } from "./combo.js";

const $ = (id) => document.getElementById(id);
const chosenSkills = new Map(); // skill id -> label
let target = null; // { id, label, taxonomy }
let pending = null; // the action to retry once a key is given
let pathwaySeq = 0;

const WHY = {
  exact: "you have this skill",
  narrower: "you have a narrower skill",
  broader: "you have a broader skill",
  semantic: "you have a similar skill",
};
const STATUS_TITLE = { covered: "Covered", partial: "Partly covered", missing: "Missing" };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

const pct = (x) => `${Math.round(x * 100)}%`;
const say = (message) => {
  $("status").textContent = message;
};

function learner() {
  const body = {};
  const text = $("text").value.trim();
  if (text) body.text = text;
  if (chosenSkills.size) body.skills = [...chosenSkills.keys()];
  return body;
}

function showRequest(pre, method, path, body, params) {
  const query = params ? `?${new URLSearchParams(params)}` : "";
  pre.textContent = `${method} ${path}${query}\n${JSON.stringify(body, null, 2)}`;
  pre.dataset.body = JSON.stringify(body);
}

function report(error, retry) {
  if (error instanceof api.NeedsKey) {
    pending = retry;
    $("key-box").hidden = false;
    $("api-key").focus();
    say("This server asks for an API key for that request.");
  } else if (error instanceof api.ApiError) {
    say(`The API said: ${error.message}`);
  } else {
    say(`Something went wrong: ${error.message}`);
  }
}

async function guarded(action) {
  try {
    await action();
  } catch (error) {
    report(error, action);
  }
}

// --- 1. skills and 2. target -----------------------------------------------------------------------------

function renderChips() {
  $("chosen-skills").replaceChildren(
    ...[...chosenSkills].map(([id, label]) =>
      el(
        "li",
        {},
        el("span", { text: label }),
        (() => {
          const button = el("button", { type: "button", "aria-label": `Remove ${label}`, text: "×" });
          button.addEventListener("click", () => {
            chosenSkills.delete(id);
            renderChips();
            $("skill-q").focus();
          });
          return button;
        })(),
      ),
    ),
  );
}

combobox($("skill-q"), $("skill-options"), {
  search: async (q, signal) => (await api.searchSkills(q, signal)).items,
  label: (item) => [item.label],
  choose: (item) => {
    chosenSkills.set(item.id, item.label);
    $("skill-q").value = "";
    renderChips();
  },
  onError: report,
});

function chooseTarget(item) {
  target = { id: item.id, label: item.label, taxonomy: item.taxonomy };
  $("role-q").value = item.label;
  $("role-chosen").textContent = `Target: ${item.label} (${item.taxonomy === "onet" ? "O*NET" : "ESCO"})`;
}

combobox($("role-q"), $("role-options"), {
  search: async (q, signal) => (await api.searchOccupations(q, signal)).items,
  label: (item) => [item.label, " ", el("span", { class: "badge", text: item.taxonomy === "onet" ? "O*NET" : "ESCO" })],
  choose: chooseTarget,
  onError: report,
});

// --- the gap chart ---------------------------------------------------------------------------------------

function why(item) {
  if (!item.match) return "no skill of yours matches";
  const via = item.via_skill_id && item.via_skill_id !== item.skill_id ? chosenSkills.get(item.via_skill_id) : null;
  return via ? `${WHY[item.match]}: ${via}` : WHY[item.match];
}

function renderGap(body) {
  const { covered, partial, missing, readiness, items } = body;
  const total = covered + partial + missing;
  $("gap-summary").textContent =
    `${body.target.label}: readiness ${pct(readiness)}. ${covered} of ${total} required skills covered, ${partial} partly, ${missing} missing.`;
  const totals = $("gap-totals");
  totals.setAttribute("aria-label", `${covered} covered, ${partial} partly covered, ${missing} missing`);
  totals.replaceChildren(
    ...[
      ["covered", covered],
      ["partial", partial],
      ["missing", missing],
    ]
      .filter(([, n]) => n > 0)
      .map(([status, n]) => el("span", { class: status, style: `flex-grow:${n}`, text: String(n) })),
  );
  const rank = (i) => (i.relation === "essential" ? 0 : 1);
  const groups = ["covered", "partial", "missing"].map((status) => {
    const rows = items
      .filter((i) => i.status === status)
      .sort((a, b) => rank(a) - rank(b) || b.coverage - a.coverage || a.label.localeCompare(b.label));
    if (!rows.length) return null;
    return el(
      "section",
      { class: `group ${status}`, "aria-label": `${STATUS_TITLE[status]}: ${rows.length}` },
      el("h3", { text: `${STATUS_TITLE[status]} (${rows.length})` }),
      el(
        "ul",
        { class: "bars" },
        ...rows.map((i) =>
          el(
            "li",
            { "data-skill-id": i.skill_id, "data-status": i.status },
            el(
              "div",
              { class: "bar-label" },
              el("span", { text: i.label || i.skill_id }),
              el("span", { class: `badge ${i.relation}`, text: i.relation }),
            ),
            el(
              "div",
              {
                class: "bar",
                role: "meter",
                "aria-valuemin": 0,
                "aria-valuemax": 100,
                "aria-valuenow": Math.round(i.coverage * 100),
                "aria-label": `${i.label}: ${pct(i.coverage)} covered`,
              },
              el("span", { class: `fill ${i.status}`, style: `width:${Math.max(i.coverage * 100, 0)}%` }),
            ),
            el("div", { class: "why", text: i.status === "missing" ? "missing" : `${pct(i.coverage)}: ${why(i)}` }),
          ),
        ),
      ),
    );
  });
  $("gap-chart").replaceChildren(...groups.filter(Boolean));
  $("gap").hidden = false;
}

// --- the pathway -----------------------------------------------------------------------------------------

function constraints() {
  const body = {};
  const number = (id) => {
    const value = $(id).value.trim();
    return value === "" ? null : Number(value);
  };
  const maxCredentials = number("max-credentials");
  if (maxCredentials) body.max_credentials = Math.min(20, Math.max(1, Math.round(maxCredentials)));
  const maxHours = number("max-hours");
  if (maxHours && maxHours > 0) body.max_hours = maxHours;
  const maxCost = number("max-cost");
  if (maxCost !== null && maxCost >= 0) body.max_cost = maxCost;
  const levels = [...document.querySelectorAll('input[name="level"]')];
  const checked = levels.filter((box) => box.checked).map((box) => box.value);
  if (checked.length && checked.length < levels.length) body.levels = checked;
  return body;
}

function money(cost, currency) {
  if (cost === null || cost === undefined) return "cost unknown";
  return cost === 0 ? "free" : `cost ${cost}${currency ? ` ${currency}` : ""}`;
}

function readinessBars(before, after) {
  const box = $("readiness");
  box.setAttribute("aria-label", `Readiness ${pct(before)} now, ${pct(after)} after the pathway`);
  box.replaceChildren(
    el("div", { class: "ready-row" }, el("span", { text: `Now ${pct(before)}` }), el("div", { class: "bar" }, el("span", { class: "fill now", style: `width:${before * 100}%` }))),
    el("div", { class: "ready-row" }, el("span", { text: `After ${pct(after)}` }), el("div", { class: "bar" }, el("span", { class: "fill after", style: `width:${after * 100}%` }))),
  );
}

// The catalogue's own words for the length ("1 - 3 Months") beside our estimate in hours.
function length(step) {
  if (!step.hours) return step.duration_text || "hours unknown";
  const hours = `${Math.round(step.hours)} h`;
  return step.duration_text ? `${step.duration_text} (about ${hours})` : hours;
}

function renderPathway(body, essential) {
  const { pathway } = body;
  readinessBars(pathway.readiness_before, pathway.readiness_after);
  $("steps").replaceChildren(
    ...pathway.steps.map((step) =>
      el(
        "li",
        { "data-credential-id": step.credential_id },
        el("h3", {}, step.url ? el("a", { href: step.url, rel: "noopener", target: "_blank", text: step.title }) : step.title),
        el(
          "p",
          { class: "meta" },
          [step.provider, step.kind, step.level, length(step), money(step.cost, step.currency)]
            .filter(Boolean)
            .join(" · "),
        ),
        el("p", { class: "reason", text: step.reason }),
        el(
          "ul",
          { class: "chips closes", "aria-label": "Skills it closes" },
          ...step.covers.map((c) => el("li", { class: essential.has(c.skill_id) ? "essential" : "" }, c.label || c.skill_id)),
        ),
      ),
    ),
  );
  const uncovered = pathway.uncovered;
  $("uncovered").replaceChildren(
    ...(pathway.message ? [el("p", { class: "notice", text: pathway.message })] : []),
    ...(uncovered.length
      ? [
          el("h3", { text: `Skills no credential here teaches (${uncovered.length})` }),
          el(
            "ul",
            { class: "chips uncovered" },
            ...uncovered.map((u) => el("li", { class: essential.has(u.skill_id) ? "essential" : "", "data-skill-id": u.skill_id }, u.label || u.skill_id)),
          ),
        ]
      : []),
  );
  if (!pathway.steps.length && !pathway.message) {
    $("steps").replaceChildren(el("li", { class: "empty", text: "No credential fits these limits." }));
  }
  $("pathway").hidden = false;
}

let essentialSkills = new Set();

async function runPathway() {
  if (!target) return;
  const seq = ++pathwaySeq;
  const body = { learner: learner(), target: { occupation_id: target.id }, constraints: constraints() };
  showRequest($("path-request"), "POST", "/v1/recommendations", body);
  $("pathway").setAttribute("aria-busy", "true");
  const answer = await api.recommendations(body);
  if (seq !== pathwaySeq) return;
  renderPathway(answer, essentialSkills);
  $("pathway").removeAttribute("aria-busy");
  $("pathway").dataset.ready = String(seq);
}

async function runAll() {
  const body = learner();
  if (!body.text && !body.skills) {
    say("Tell us what you can do first: a sentence, or a skill or two.");
    return;
  }
  if (!target) {
    say("Pick the role you want from the list (or ask for the roles you are closest to).");
    $("role-q").focus();
    return;
  }
  say("Working…");
  const gapBody = { learner: body, target: { occupation_id: target.id } };
  showRequest($("gap-request"), "POST", "/v1/gaps", gapBody);
  const gapAnswer = await api.gaps(gapBody);
  essentialSkills = new Set(gapAnswer.items.filter((i) => i.relation === "essential").map((i) => i.skill_id));
  renderGap(gapAnswer);
  await runPathway();
  say("");
  $("results").focus();
}

// --- roles I am closest to -------------------------------------------------------------------------------

async function runRoles() {
  const body = { learner: learner() };
  if (!body.learner.text && !body.learner.skills) {
    say("Tell us what you can do first: a sentence, or a skill or two.");
    return;
  }
  const params = { limit: 10 };
  showRequest($("roles-request"), "POST", "/v1/roles", body, params);
  say("Working…");
  const page = await api.roles(body, params);
  $("role-list").replaceChildren(
    ...(page.items.length
      ? page.items.map((role) => {
          const button = el("button", { type: "button", text: "Choose this role" });
          button.addEventListener("click", () => {
            chooseTarget({ id: role.occupation_id, label: role.label, taxonomy: role.taxonomy });
            guarded(runAll);
          });
          return el(
            "li",
            { "data-occupation-id": role.occupation_id },
            el("div", { class: "bar-label" }, el("strong", { text: role.label }), el("span", { class: "badge", text: role.taxonomy === "onet" ? "O*NET" : "ESCO" })),
            el(
              "div",
              { class: "bar", role: "meter", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": Math.round(role.essential_readiness * 100), "aria-label": `${role.label}: ${pct(role.essential_readiness)} of essential skills` },
              el("span", { class: "fill covered", style: `width:${role.essential_readiness * 100}%` }),
            ),
            el("p", { class: "why", text: `${role.covered} of ${role.essential} essential skills covered, ${role.remaining} to go · readiness ${pct(role.readiness)}` }),
            button,
          );
        })
      : [el("li", { class: "empty", text: "No role shares an essential skill with what you described yet." })]),
  );
  $("roles").hidden = false;
  say(`${page.total} of ${page.occupations_ranked} roles share essential skills with you; the closest first.`);
}

// --- wiring ----------------------------------------------------------------------------------------------

$("ask").addEventListener("submit", (event) => {
  event.preventDefault();
  guarded(runAll);
});
$("closest").addEventListener("click", () => guarded(runRoles));
$("key-save").addEventListener("click", () => {
  api.setKey($("api-key").value.trim());
  $("key-box").hidden = true;
  const action = pending;
  pending = null;
  if (action) guarded(action);
});
let timer = null;
$("constraints").addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => guarded(runPathway), 300);
});
document.body.dataset.ready = "true";
