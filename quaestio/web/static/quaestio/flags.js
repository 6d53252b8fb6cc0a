// "Flag" opens the flag dialog in place instead of a separate page: the dialog is the same
// plain form the server renders at /posts/<id>/flag (or /comments/<id>/flag), fetched and
// posted as is, so the server's checks and messages are unchanged. Without JavaScript the
// link simply opens that page.

function dialogFrom(html) {
  const page = new DOMParser().parseFromString(html, "text/html");
  return page.querySelector("[data-flag-dialog]");
}

function show(popup, dialog) {
  popup.replaceChildren(...(dialog ? dialog.childNodes : []));
  const cancel = popup.querySelector(".flag-cancel");
  if (cancel) cancel.addEventListener("click", (event) => { event.preventDefault(); popup.remove(); });
  const form = popup.querySelector("form.flag-dialog");
  if (form) {
    form.action = popup.dataset.url;
    form.addEventListener("submit", (event) => submit(event, popup, form));
    const first = form.querySelector("input[type=radio]");
    if (first) first.focus();
  }
}

async function submit(event, popup, form) {
  event.preventDefault();
  if (form.dataset.submitting) return;
  form.dataset.submitting = "true";
  const response = await fetch(popup.dataset.url, {
    method: "POST",
    body: new FormData(form),
    credentials: "same-origin",
  });
  if (response.redirected) {
    window.location.assign(response.url); // "needs improvement": the close dialog
    return;
  }
  show(popup, dialogFrom(await response.text()));
}

async function openFlagDialog(event) {
  const link = event.target.closest("a.flag-link");
  if (!link) return;
  event.preventDefault();
  // Under the post's menu, or inside the comment (a <div> may not sit between <li>s).
  const comment = link.closest(".comment-body");
  const holder = comment || (link.closest(".post-menu") || link).parentElement;
  const open = holder.querySelector(":scope > .flag-popup");
  if (open) {
    open.remove();
    return;
  }
  const popup = document.createElement("div");
  popup.className = "flag-popup";
  popup.setAttribute("role", "dialog");
  popup.dataset.url = link.getAttribute("href");
  if (comment) comment.append(popup);
  else (link.closest(".post-menu") || link).after(popup);
  const response = await fetch(popup.dataset.url, { credentials: "same-origin" });
  const dialog = dialogFrom(await response.text());
  if (!dialog) {
    window.location.assign(popup.dataset.url);
    return;
  }
  show(popup, dialog);
}

document.addEventListener("click", openFlagDialog);
