// A room, live: messages said by others appear (live.js hears the room's events and passes
// them on as "live:room"), and the forms (say, edit, star) are sent without leaving the page.
// Without JavaScript every form is a plain POST back to the room.

const room = document.querySelector("[data-live-room]");
const list = document.getElementById("room-messages");

function lastShownId() {
  const ids = [...list.querySelectorAll("[data-message-id]")].map((li) => Number(li.dataset.messageId));
  return ids.length ? Math.max(...ids) : 0;
}

async function fetchMessages(query) {
  const response = await fetch(`/rooms/${room.dataset.liveRoom}/messages?${query}`, { credentials: "same-origin" });
  if (!response.ok) return [];
  return (await response.json()).messages;
}

function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

async function appendNew() {
  for (const message of await fetchMessages(`after=${lastShownId()}`)) {
    if (!document.getElementById(`message-${message.id}`)) list.append(fragment(message.html));
  }
}

async function refresh(id) {
  for (const message of await fetchMessages(`ids=${id}`)) {
    const shown = document.getElementById(`message-${message.id}`);
    if (shown && !shown.contains(document.activeElement)) shown.replaceWith(fragment(message.html));
  }
}

function showError(form, text) {
  let box = form.querySelector(".form-error");
  if (!box) {
    box = document.createElement("p");
    box.className = "form-error";
    box.setAttribute("role", "alert");
    form.prepend(box);
  }
  box.textContent = text;
}

async function send(event) {
  const form = event.target.closest("#room-say, .room-star-form, .room-edit-form");
  if (!form || !room) return;
  event.preventDefault();
  const response = await fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  const result = await response.json().catch(() => ({ error: "The server did not answer." }));
  if (!response.ok) return showError(form, result.error || "That did not work.");
  form.querySelector(".form-error")?.remove();
  if (form.id === "room-say") {
    form.reset();
    await appendNew();
  } else {
    await refresh(result.id);
  }
}

function reply(event) {
  const button = event.target.closest(".room-reply");
  const input = document.getElementById("room-input");
  if (!button || !input) return;
  input.value = `:${button.dataset.replyTo} ${input.value.replace(/^:\d+\s*/, "")}`;
  input.focus();
}

if (room && list) {
  document.addEventListener("submit", send);
  document.addEventListener("click", reply);
  document.addEventListener("live:room", (event) => {
    const { kind, data } = event.detail;
    if (String(data.room) !== room.dataset.liveRoom) return;
    if (kind === "message") appendNew();
    else refresh(data.id);
  });
}
