// interview-guard live page: capture the call, send it over WebRTC, show what the agent says.
// Messages from the agent (DataChannel "indicators", or /sessions/ID/events when watching):
// state, status (tile), indicator (finding), transcript, transcript_language (the spoken-language check),
// follow_up (a question to ask, or its new state), stats,
// summary. Follow-ups are marked with POST /sessions/ID/follow-ups/FID {"state": "asked" | "answered"}.
"use strict";

const LABELS = {
  no_face: "Face in view", face_partly_out: "Whole face", several_faces: "One person",
  identity_change: "Same person", reference_mismatch: "Matches photo", av_offset: "Lip-sync",
  low_sync: "Voice from this mouth", speech_mouth_still: "Voice while mouth still",
  mouth_moving_silent: "Mouth moves, no voice", viseme_mismatch: "Lips close on p/b/m", no_pulse: "Pulse", pulse_mismatch: "Pulse regions",
  blink_anomaly: "Blinks", replay_loop: "Replay / loop", frozen_video: "Frozen video", still_image: "Still image",
  face_swap_seam: "Face-swap seam", face_flicker: "Face flicker or jitter", face_forgery: "Face blended in", challenge: "Challenge",
  claim_contradiction: "Claims vs profile", answer_latency: "Answer latency", second_voice: "Second voice",
  read_aloud: "Read-aloud cadence",
  reading_gaze: "Reading gaze", language_switch: "Language switch", speech_without_face: "Speech without face",
};
const LEVEL_VALUE = { unknown: 0, green: 1, amber: 2, red: 3 };
const TREND = 40;

const $ = (id) => document.getElementById(id);
let pc = null, channel = null, events = null, streams = [], sessionId = null;
const tiles = new Map();    // check -> {el, history}
let watched = null;         // the session this page follows (?watch=ID); it cannot start one of its own
const flagged = [];         // [start, end] spans of amber/red findings

function setState(text) { $("state").textContent = text; }
function showError(text) { const e = $("error"); e.textContent = text; e.hidden = !text; }

function tile(check) {
  if (!tiles.has(check)) {
    const el = document.createElement("div");
    el.className = "tile"; el.dataset.check = check; el.dataset.level = "unknown";
    el.innerHTML = `<div class="name"><span></span><span class="lvl"></span></div><div class="reason"></div>
      <svg width="180" height="18" viewBox="0 0 ${TREND} 3" preserveAspectRatio="none"><polyline fill="none"
      stroke="#555" stroke-width="0.15" points=""/></svg>`;
    el.querySelector(".name span").textContent = LABELS[check] || check;
    $("tiles").appendChild(el);
    tiles.set(check, { el, history: [] });
  }
  return tiles.get(check);
}

function setTile(check, level, reason) {
  const t = tile(check);
  t.el.dataset.level = level;
  t.el.querySelector(".lvl").textContent = level === "unknown" ? "cannot judge" : level;
  t.el.querySelector(".reason").textContent = reason;
  t.history.push(LEVEL_VALUE[level] ?? 0);
  if (t.history.length > TREND) t.history.shift();
  t.el.querySelector("polyline").setAttribute("points",
    t.history.map((v, i) => `${i},${3 - v}`).join(" "));
}

function showChecks(checks) {
  // The session's checks, before any has judged: a grey tile each, updated by status and findings.
  for (const check of checks) {
    if (tiles.has(check)) continue;
    const t = tile(check);
    t.el.querySelector(".lvl").textContent = "cannot judge";
    t.el.querySelector(".reason").textContent = "not judged yet";
  }
}

function clock(t) { const m = Math.floor(t / 60), s = Math.floor(t % 60); return `${m}:${String(s).padStart(2, "0")}`; }

function isFlagged(start, end) { return flagged.some(([a, b]) => end > a && start < b); }

function addTranscript(msg) {
  const div = document.createElement("div");
  div.className = "seg"; div.dataset.t = msg.t;
  const time = document.createElement("span"); time.className = "time"; time.textContent = clock(msg.t);
  div.appendChild(time);
  // Speech in another language: its code beside the words; words the English model invented, struck out.
  if (msg.language && msg.language !== "en") {
    const lang = document.createElement("span"); lang.className = "lang"; lang.textContent = msg.language;
    div.appendChild(lang);
  }
  if (msg.trusted === false) {
    div.classList.add("untrusted");
    div.title = "not what was said: an English-only model's words for speech in another language";
  }
  for (const w of msg.words || []) {
    const span = document.createElement("span");
    span.className = "word"; span.textContent = w.w + " ";
    span.dataset.start = w.start; span.dataset.end = w.end;
    if (isFlagged(w.start, w.end)) span.classList.add("flagged");
    div.appendChild(span);
  }
  if (!(msg.words || []).length) div.appendChild(document.createTextNode(msg.text));
  const box = $("transcript"); box.appendChild(div);
  while (box.children.length > 300) box.removeChild(box.firstChild);
  box.scrollTop = box.scrollHeight;
}

function showTranscriptLanguage(msg) {
  // The spoken-language check: warn while the transcript is not (only) the candidate's words in English.
  const box = $("transcript-language");
  box.hidden = !(msg.status === "switched" || msg.status === "untrusted" || msg.status === "unavailable");
  box.textContent = box.hidden ? "" : `⚠ ${msg.reason}`;
}

function addFinding(msg) {
  setTile(msg.check, msg.level, msg.reason);
  if (msg.level !== "green") {
    flagged.push([msg.start, msg.end]);
    for (const w of document.querySelectorAll("#transcript .word")) {
      if (isFlagged(+w.dataset.start, +w.dataset.end)) w.classList.add("flagged");
    }
  }
  const li = document.createElement("li");
  li.className = `lvl-${msg.level}`; li.dataset.check = msg.check;
  li.textContent = `${clock(msg.start)}–${clock(msg.end)} [${msg.check}] ${msg.reason} ` +
    `(score ${msg.score.toFixed(2)}, confidence ${msg.confidence.toFixed(2)})`;
  $("findings").prepend(li);
  for (const e of msg.evidence || []) {
    for (const url of e.frame_urls || []) {
      const img = document.createElement("img"); img.src = url; img.title = `${msg.check}: ${e.note || ""}`;
      $("evidence").prepend(img);
    }
  }
  while ($("evidence").children.length > 12) $("evidence").lastChild.remove();
}

function quoteText(q) { return `${q.source}${q.t == null ? "" : ` at ${clock(q.t)}`}: ${q.text}`; }

function showFollowUp(f) {
  const list = $("follow-ups");
  list.querySelector(".none")?.remove();
  let li = list.querySelector(`li[data-id="${CSS.escape(f.id)}"]`);
  if (!li) {
    li = document.createElement("li");
    li.dataset.id = f.id;
    li.innerHTML = `<div class="question"></div><ul class="quotes"></ul><div class="meta"><span class="when"></span>
      <button class="asked">Asked</button><button class="answered">Answered</button><span class="state"></span>
      <a href="#" class="answer" hidden></a></div>`;
    li.querySelector(".question").textContent = f.question;
    for (const q of f.quotes) {
      const item = document.createElement("li"); item.textContent = quoteText(q);
      li.querySelector(".quotes").appendChild(item);
    }
    li.querySelector(".when").textContent = `${LABELS[f.check] || f.check} ${clock(f.start)} · ${f.reason}`;
    li.querySelector("button.asked").onclick = () => markFollowUp(f.id, "asked");
    li.querySelector("button.answered").onclick = () => markFollowUp(f.id, "answered");
    list.appendChild(li);
  }
  li.dataset.state = f.state;
  li.querySelector(".state").textContent = [["asked", f.asked_at], ["answered", f.answered_at]]
    .filter(([, t]) => t != null).map(([label, t]) => `${label} at ${clock(t)}`).join(" · ");
  li.querySelector("button.asked").disabled = f.state !== "proposed";
  li.querySelector("button.answered").disabled = f.state === "answered";
  const link = li.querySelector(".answer");
  link.hidden = f.state !== "answered";
  link.textContent = "show the answer";
  link.onclick = (e) => { e.preventDefault(); showAnswer(f); };
}

async function markFollowUp(id, state) {
  if (!sessionId) return;
  const res = await fetch(`/sessions/${encodeURIComponent(sessionId)}/follow-ups/${encodeURIComponent(id)}`,
    { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ state }) });
  const body = await res.json();
  if (!res.ok) { showError(`Follow-up: ${body.error || res.status}`); return; }
  showFollowUp(body);
}

function showAnswer(f) {
  // The words between the two marks (the answer), else the next words after "asked", else the last before.
  const words = [...document.querySelectorAll("#transcript .word")];
  for (const w of words) w.classList.remove("answer");
  const mid = (w) => (+w.dataset.start + +w.dataset.end) / 2;
  let hit = f.asked_at == null ? [] : words.filter((w) => mid(w) >= f.asked_at && mid(w) <= f.answered_at);
  if (!hit.length && f.asked_at != null) hit = words.filter((w) => +w.dataset.start >= f.asked_at).slice(0, 12);
  if (!hit.length) hit = words.filter((w) => +w.dataset.start <= f.answered_at).slice(-12);
  for (const w of hit) w.classList.add("answer");
  hit[0]?.scrollIntoView({ block: "nearest" });
}

function onMessage(msg) {
  switch (msg.type) {
    case "checks": showChecks(msg.checks || []); break;
    case "status": setTile(msg.check, msg.level, msg.reason); break;
    case "indicator": addFinding(msg); break;
    case "transcript": addTranscript(msg); break;
    case "transcript_language": showTranscriptLanguage(msg); break;
    case "follow_up": showFollowUp(msg); break;
    case "stats":
      $("stats").textContent = `analysed ${msg.fps} fps · lag ${msg.lag_s ?? "?"} s · ` +
        `${msg.video_dropped} of ${msg.video_in} frames dropped to keep up` +
        (msg.sync === "arrival" ? " · timed by arrival" : "");
      break;
    case "state":
      if (msg.session) sessionId = msg.session;
      setState(msg.state === "loading" ? "loading models…" : msg.state);
      if (msg.state === "failed") showError(`The session failed: ${msg.error}`);
      if (msg.state === "ended" || msg.state === "failed") finishUi();
      break;
    case "challenge": showChallenge(msg); break;
    case "summary":
      $("end").hidden = false;
      $("summary-text").textContent = `Risk ${msg.risk.toUpperCase()}, ${msg.indicators} finding(s).`;
      $("summary-link").href = msg.report; $("summary-json").href = msg.summary;
      break;
  }
}

let countdown = null;
function showChallenge(msg) {
  if (msg.error) { showError(`Challenge: ${msg.error}`); $("challenge").disabled = false; return; }
  const box = $("prompts"), list = box.querySelector("ol");
  list.innerHTML = "";
  for (const p of msg.prompts) { const li = document.createElement("li"); li.textContent = p; list.appendChild(li); }
  box.hidden = false; $("challenge").disabled = true;
  let left = Math.round(msg.end - msg.start);
  clearInterval(countdown);
  const tick = () => {
    $("countdown").textContent = left > 0 ? `(${left} s left)` : "(judging…)";
    if (left-- <= 0) { clearInterval(countdown); setTimeout(() => { box.hidden = true; $("challenge").disabled = !pc; }, 3000); }
  };
  tick(); countdown = setInterval(tick, 1000);
}

function challenge() {
  if (channel && channel.readyState === "open") {
    channel.send(JSON.stringify({ type: "challenge" })); $("challenge").disabled = true;
  }
}

async function fileField(input) {
  const f = input.files[0];
  if (!f) return null;
  const data = await new Promise((ok, fail) => {
    const r = new FileReader(); r.onload = () => ok(r.result); r.onerror = fail; r.readAsDataURL(f);
  });
  return { name: f.name, data: String(data).split(",")[1] };
}

async function capture() {
  if ($("source").value === "tab") {
    const s = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: true });
    if (!s.getAudioTracks().length) showError("No audio was shared: tick \"share tab audio\" for speech checks.");
    return s;
  }
  return navigator.mediaDevices.getUserMedia({ video: true, audio: true });
}

function waitForIce(pc) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((ok) => {
    const check = () => { if (pc.iceGatheringState === "complete") { pc.removeEventListener("icegatheringstatechange", check); ok(); } };
    pc.addEventListener("icegatheringstatechange", check);
  });
}

function consentText() {
  // Who recorded the candidate's consent and how; empty when not given (then nothing is kept).
  if (!$("consent").checked) return "";
  return `${$("consent-by").value.trim() || "the interviewer"}, on the live page`;
}

async function start() {
  showError(""); $("start").disabled = true; setState("starting…");
  try {
    const call = await capture();
    streams = [call];
    $("preview").srcObject = call;
    pc = new RTCPeerConnection();
    channel = pc.createDataChannel("indicators");
    channel.onmessage = (e) => onMessage(JSON.parse(e.data));
    const video = call.getVideoTracks()[0];
    if (!video) throw new Error("the chosen source gives no video");
    pc.addTrack(video, call);
    for (const a of call.getAudioTracks().slice(0, 1)) pc.addTrack(a, call);
    if ($("mic").checked) {
      const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
      streams.push(mic);
      pc.addTrack(mic.getAudioTracks()[0], mic);
    }
    pc.onconnectionstatechange = () => { if (pc && pc.connectionState === "failed") showError("The connection to the agent failed."); };
    await pc.setLocalDescription(await pc.createOffer());
    await waitForIce(pc);
    const body = { sdp: pc.localDescription.sdp, type: pc.localDescription.type,
      candidate: $("candidate").value, reference: await fileField($("reference")),
      profile: await fileField($("profile")), consent: consentText() };
    const res = await fetch("/offer", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) });
    const answer = await res.json();
    if (!res.ok) throw new Error(answer.error || `the agent answered ${res.status}`);
    await pc.setRemoteDescription(answer);
    sessionId = answer.session;
    $("notice").hidden = false; $("stop").disabled = false; $("challenge").disabled = false;
  } catch (e) {
    showError(String(e.message || e)); teardown(); $("start").disabled = false; setState("idle");
  }
}

function stop() {
  $("stop").disabled = true; setState("finishing…");
  if (channel && channel.readyState === "open") channel.send(JSON.stringify({ type: "stop" }));
  for (const s of streams) for (const t of s.getTracks()) t.stop();
}

function teardown() {
  for (const s of streams) for (const t of s.getTracks()) t.stop();
  streams = [];
  if (pc) { pc.close(); pc = null; }
}

function finishUi() {
  $("notice").hidden = true; $("stop").disabled = true; $("challenge").disabled = true;
  for (const b of document.querySelectorAll("#follow-ups button")) b.disabled = true;  // the summary is written
  if (events) { events.close(); events = null; }
  setTimeout(teardown, 500);
  $("start").disabled = watched !== null;  // a watching page never starts a session
}

function watch(id) {
  sessionId = id; watched = id;
  const note = $("watch-note");
  note.textContent = `This page watches session ${id}: its media comes from the agent (live --source), not from ` +
    "this page, so Start is off here. Stop ends that session.";
  note.hidden = false;
  // Following a session whose media does not come from this page (live --source FILE).
  $("setup").querySelectorAll("select, input, #start").forEach((e) => { e.disabled = true; });
  $("notice").hidden = false;
  events = new EventSource(`/sessions/${encodeURIComponent(id)}/events`);
  events.onmessage = (e) => onMessage(JSON.parse(e.data));
  $("stop").disabled = false;
  $("stop").onclick = () => fetch(`/sessions/${encodeURIComponent(id)}/stop`, { method: "POST" });
}

$("start").onclick = start;
$("stop").onclick = stop;
$("challenge").onclick = challenge;
const watching = new URLSearchParams(location.search).get("watch");
if (watching) watch(watching);
