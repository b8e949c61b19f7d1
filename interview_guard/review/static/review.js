// The review app: a session list with filters, and a page per session (timeline, transcript, evidence,
// decision, audit). Everything comes from the JSON API described at /api/openapi.json.
"use strict";

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const kid of kids) node.append(kid instanceof Node ? kid : document.createTextNode(String(kid ?? "")));
  return node;
};
const clock = (t) => `${Math.floor(t / 60)}:${(t % 60).toFixed(1).padStart(4, "0")}`;
const when = (iso) => (iso ? iso.replace("T", " ").replace("+00:00", " UTC") : "");
const LEVEL_COLOURS = { red: "#c0392b", amber: "#e0a100", green: "#7cc496" };

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = response.headers.get("Content-Type")?.includes("json") ? await response.json() : null;
  if (!response.ok) throw new Error(body?.error || `${response.status} ${response.statusText}`);
  return body;
}

function showError(error) {
  const box = $("#error");
  box.textContent = String(error.message || error);
  box.hidden = false;
}

// ---------------------------------------------------------------- list

async function showList() {
  $("#list-view").hidden = false;
  const form = $("#filters");
  const params = new URLSearchParams(location.search);
  for (const [k, v] of params) if (form.elements[k]) form.elements[k].value = v;
  form.onsubmit = (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const field of form.elements) if (field.name && field.value) next.set(field.name, field.value);
    history.pushState(null, "", `/review?${next}`);
    loadList(next);
  };
  window.onpopstate = () => loadList(new URLSearchParams(location.search));
  loadList(params);
}

async function loadList(params) {
  $("#csv").href = `/api/sessions.csv?${params}`;
  const data = await api(`/api/sessions?${params}`);
  const body = $("#sessions tbody");
  body.replaceChildren();
  const checks = new Set();
  for (const s of data.sessions) {
    s.checks_flagged.forEach((c) => checks.add(c));
    const row = el("tr", { "data-id": s.id, onclick: () => (location.href = `/review/${encodeURIComponent(s.id)}`) },
      el("td", {}, when(s.started)), el("td", {}, s.source), el("td", {}, s.candidate),
      el("td", {}, el("span", { class: `badge ${s.status}` }, s.status)),
      el("td", {}, el("span", { class: `badge ${s.risk_level}` }, s.risk_level)),
      el("td", {}, s.indicator_count), el("td", {}, s.checks_flagged.join(", ")),
      el("td", {}, s.decision ? s.decision.decision.replaceAll("_", " ") : ""));
    body.append(row);
  }
  $("#checks").replaceChildren(...[...checks].sort().map((c) => el("option", { value: c })));
  $("#count").textContent = `${data.sessions.length} of ${data.total} session(s)`;
}

// ---------------------------------------------------------------- one session

async function showSession(id) {
  $("#session-view").hidden = false;
  const data = await api(`/api/sessions/${encodeURIComponent(id)}`);
  const s = data.session;
  document.title = `${s.source} · interview-guard review`;
  $("#title").textContent = `${s.source} (${s.kind})`;
  $("#facts").replaceChildren(
    el("span", { class: `badge ${s.risk_level}`, id: "risk" }, `risk ${s.risk_level}`),
    el("span", { class: `badge ${s.status}` }, s.status),
    el("span", {}, `started ${when(s.started)}`), el("span", {}, `${s.duration_s.toFixed(1)} s`),
    el("span", {}, s.candidate ? `candidate ${s.candidate}` : "no profile"), el("span", { class: "hint" }, s.id));
  $("#reasons").replaceChildren(...data.risk_reasons.map((r) => el("li", {}, `[${r.check}] ${r.reason}`)));
  $("#warnings").replaceChildren(...data.warnings.map((w) => el("li", {}, w)));
  $("#report-link").href = `/api/sessions/${encodeURIComponent(id)}/report`;
  $("#export-link").href = `/api/sessions/${encodeURIComponent(id)}/export`;
  const timed = data.indicators.filter((i) => !i.check.startsWith("profile_"));
  drawTimeline(timed, Math.max(s.duration_s, ...timed.map((i) => i.end), 1));
  listFindings(timed);
  $("#profile").replaceChildren(...(data.indicators.filter((i) => i.check.startsWith("profile_"))
    .map((i) => el("li", { class: `lvl-${i.level}` }, `[${i.check}] ${i.reason}`))));
  if (!$("#profile").children.length) $("#profile").append(el("li", { class: "hint" }, "no profile findings"));
  showTranscript(data.transcript, timed, data.transcript_language);
  showFollowUps(data.follow_ups || []);
  $("#evidence").replaceChildren(...data.evidence.map((e) =>
    el("figure", {}, el("img", { src: e.url, alt: `frame at ${clock(e.time_s)}`, loading: "lazy" }),
      el("figcaption", {}, clock(e.time_s)))));
  if (!data.evidence.length) $("#evidence").append(el("p", { class: "hint" }, data.session.status === "complete"
    ? "no evidence frames kept"
    : "evidence frames are kept when an analysis completes; this one did not, so its findings cite times and words only"));
  showContinuity(data.candidate_continuity);
  showDecisions(data.decisions);
  showAudit(data.audit);
  $("#decide").onsubmit = (event) => decide(event, id);
}

function drawTimeline(indicators, duration) {
  const checks = [...new Set(indicators.map((i) => i.check))];
  const NS = "http://www.w3.org/2000/svg", left = 150, width = 1000, lane = 22, top = 8;
  const height = top + Math.max(1, checks.length) * lane + 28;
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${width + 10} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `timeline of ${indicators.length} findings over ${duration.toFixed(0)} s`);
  const add = (tag, attrs, text) => {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };
  const x = (t) => left + (t / duration) * (width - left);
  const axisY = top + checks.length * lane + 4;
  add("line", { x1: left, x2: width, y1: axisY, y2: axisY, stroke: "#999" });
  const step = niceStep(duration);
  for (let t = 0; t <= duration + 1e-6; t += step) {
    add("line", { x1: x(t), x2: x(t), y1: top, y2: axisY + 4, stroke: "#e3e5e8" });
    add("text", { x: x(t), y: axisY + 18, "font-size": 11, "text-anchor": "middle", fill: "#555" }, clock(t));
  }
  checks.forEach((check, k) => {
    add("text", { x: left - 8, y: top + k * lane + 15, "font-size": 12, "text-anchor": "end" }, check);
  });
  if (!indicators.length) add("text", { x: left + 10, y: top + 15, "font-size": 12, fill: "#666" }, "no findings");
  indicators.forEach((ind, n) => {
    const k = checks.indexOf(ind.check);
    const bar = add("rect", { class: "bar", "data-n": n, x: x(ind.start), y: top + k * lane + 3,
      width: Math.max(3, x(ind.end) - x(ind.start)), height: lane - 6, rx: 3,
      fill: LEVEL_COLOURS[ind.level] || "#999" });
    const tip = document.createElementNS(NS, "title");
    tip.textContent = `${ind.check} ${clock(ind.start)}-${clock(ind.end)}: ${ind.reason}`;
    bar.append(tip);
    bar.addEventListener("click", () => pick(n, ind));
  });
  $("#timeline").replaceChildren(svg);
}

function niceStep(duration) {
  for (const step of [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800]) if (duration / step <= 12) return step;
  return 3600;
}

function listFindings(indicators) {
  $("#findings").replaceChildren(...indicators.map((ind, n) => el("li", { "data-n": n, class: "finding" },
    el("b", { class: `lvl-${ind.level}` }, `${ind.check} `),
    el("span", { class: "time" }, `${clock(ind.start)}–${clock(ind.end)} `),
    ind.reason, ` (confidence ${Math.round(ind.confidence * 100)} %)`)));
  if (!indicators.length) $("#findings").append(el("li", { class: "hint" }, "no findings"));
}

let spans = [];

function showTranscriptLanguage(lang) {
  // The spoken-language check (summary.json transcript.language_check): warn when the words are not
  // (only) what the candidate said in the expected language.
  const box = $("#transcript-language");
  box.hidden = !(lang && ["switched", "untrusted", "unavailable"].includes(lang.status));
  box.textContent = box.hidden ? "" : `⚠ ${lang.reason}`;
}

function showTranscript(segments, indicators, lang) {
  spans = indicators.map((i, n) => ({ n, start: i.start, end: i.end, ind: i }));
  showTranscriptLanguage(lang);
  const box = $("#transcript");
  box.replaceChildren();
  for (const seg of segments) {
    // With "mark", the English model's words for other speech keep that speech's language: struck out.
    const invented = lang?.status === "untrusted" && seg.language !== lang.expected;
    const line = el("p", { class: invented ? "seg untrusted" : "seg", "data-start": seg.start, "data-end": seg.end },
      el("span", { class: "time" }, clock(seg.start)));
    if (seg.language && seg.language !== "en") line.append(el("span", { class: "lang" }, seg.language), " ");
    if (invented) line.title = "not what was said: an English-only model's words for speech in another language";
    const words = seg.words.length ? seg.words : [{ start: seg.start, end: seg.end, text: seg.text }];
    for (const w of words) {
      const hit = spans.find((s) => w.end > s.start && w.start < s.end);
      const word = el("span", { class: hit ? "word flagged" : "word" }, w.text);
      if (hit) {
        word.title = `${hit.ind.check}: ${hit.ind.reason}`;
        word.addEventListener("click", () => pick(hit.n, hit.ind));
      }
      line.append(word, " ");
    }
    box.append(line);
  }
  if (!segments.length) box.append(el("p", { class: "hint" }, "no speech transcribed"));
}

function pick(n, ind) {
  document.querySelectorAll(".picked").forEach((node) => node.classList.remove("picked"));
  document.querySelector(`#timeline rect[data-n="${n}"]`)?.classList.add("picked");
  const item = document.querySelector(`#findings li[data-n="${n}"]`);
  item?.classList.add("picked");
  item?.scrollIntoView({ block: "nearest" });
  const segs = [...document.querySelectorAll("#transcript .seg")];
  const seg = segs.filter((s) => Number(s.dataset.start) <= ind.end).pop();
  seg?.classList.add("picked");
  seg?.scrollIntoView({ block: "nearest" });
  $("#picked").textContent = `${ind.check} at ${clock(ind.start)}–${clock(ind.end)}: ${ind.reason}`;
}

function showFollowUps(items) {
  $("#follow-ups").replaceChildren(...items.map((f) => {
    const marks = [["asked", f.asked_at], ["answered", f.answered_at]].filter(([, t]) => t != null)
      .map(([label, t]) => ` · ${label} at ${clock(t)}`).join("");
    const answer = f.answer_start == null ? "" : el("a", { href: "#", class: "answer",
      onclick: (event) => { event.preventDefault(); pickSpan(f.answer_start, f.answer_end); } },
    `answer ${clock(f.answer_start)}–${clock(f.answer_end)}`);
    return el("li", { class: "follow-up", "data-id": f.id, "data-state": f.state },
      el("b", {}, f.question), " ", el("span", { class: `badge ${f.state}` }, f.state), " ", answer,
      el("ul", { class: "quotes" }, ...f.quotes.map((q) =>
        el("li", {}, `${q.source}${q.t == null ? "" : ` at ${clock(q.t)}`}: ${q.text}`))),
      el("div", { class: "hint" }, `${f.check} · ${f.reason}${marks}`));
  }));
  if (!items.length) $("#follow-ups").append(el("li", { class: "hint" }, "no follow-up questions"));
}

function pickSpan(start, end) {
  // The answer's transcript lines, marked and scrolled to.
  document.querySelectorAll(".picked").forEach((node) => node.classList.remove("picked"));
  const lines = [...document.querySelectorAll("#transcript .seg")]
    .filter((s) => Number(s.dataset.start) < end && Number(s.dataset.end) > start);
  lines.forEach((line) => line.classList.add("picked"));
  lines[0]?.scrollIntoView({ block: "nearest" });
  $("#picked").textContent = `answer at ${clock(start)}–${clock(end)}`;
}

function showDecisions(decisions) {
  $("#decisions").replaceChildren(...decisions.slice().reverse().map((d) =>
    el("li", {}, el("b", {}, d.decision.replaceAll("_", " ")), ` by ${d.reviewer} at ${when(d.created)}`,
      d.note ? `: ${d.note}` : "")));
}

function showAudit(entries) {
  $("#audit tbody").replaceChildren(...entries.map((e) =>
    el("tr", {}, el("td", {}, when(e.at)), el("td", {}, e.actor), el("td", {}, e.action), el("td", {}, e.detail))));
}

async function decide(event, id) {
  event.preventDefault();
  const form = event.target;
  const status = $("#decide-status");
  try {
    await api(`/api/sessions/${encodeURIComponent(id)}/decision`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ decision: form.elements.decision.value, note: form.elements.note.value,
        reviewer: form.elements.reviewer.value }),
    });
    status.textContent = "recorded";
    const data = await api(`/api/sessions/${encodeURIComponent(id)}`);
    showDecisions(data.decisions);
    showAudit(data.audit);
  } catch (error) {
    status.textContent = `not recorded: ${error.message}`;
  }
}

const match = location.pathname.match(/^\/review\/(.+)$/);
(match ? showSession(decodeURIComponent(match[1])) : showList()).catch(showError);

function showContinuity(c) {
  // Hidden when no candidate was named; otherwise the status (no consent, first round, same or different).
  $("#continuity-panel").hidden = !c || c.status === "off";
  if (!c || c.status === "off") return;
  const badge = { same_person: "clear", different_person: "high", different_voice: "review",
    uncertain: "review" }[c.status] || "unknown";
  $("#continuity").replaceChildren(el("span", { class: `badge ${badge}`, id: "continuity-status" },
    c.status.replaceAll("_", " ")), " ", c.reason);
  const fmt = (v) => (v === null || v === undefined ? "-" : v.toFixed(2));
  $("#rounds tbody").replaceChildren(...c.rounds.map((r) => el("tr", { class: `lvl-${{ same_person: "green", uncertain: "amber", different_voice: "amber" }[r.verdict] || (r.verdict === "cannot_judge" ? "unknown" : "red")}` },
    el("td", {}, String(r.round)), el("td", {}, r.date), el("td", {}, fmt(r.face_distance)),
    el("td", {}, fmt(r.voice_similarity)), el("td", {}, r.verdict.replaceAll("_", " ")))));
  $("#rounds").hidden = !c.rounds.length;
}
