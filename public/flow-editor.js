// Progressive enhancement for the flow editor (/dashboard/flows/:id); every button works without it.
// With it: an offer's kind shows its own fields at once, reasons and offers move without a page load, and saving
// happens in the background, then the preview reloads at the step it was showing.
(function () {
  var form = document.querySelector("form[data-flow-editor]");
  if (!form) return;
  var frame = document.getElementById("flow-preview");
  var status = form.querySelector("[data-save-status]");
  var saving = false;
  var pending = false;

  function say(text) {
    if (status) status.textContent = text;
  }

  // The kind select: show the chosen kind's fields.
  function showKind(select) {
    var card = select.closest("[data-item]");
    Array.prototype.forEach.call(card.querySelectorAll(".kind-fields"), function (box) {
      box.hidden = box.getAttribute("data-kind") !== select.value;
    });
  }
  Array.prototype.forEach.call(form.querySelectorAll("[data-kind-select]"), function (select) {
    var hint = document.getElementById(select.id + "-hint");
    if (hint) hint.textContent = "Each kind has its own fields below.";
    select.addEventListener("change", function () {
      showKind(select);
    });
  });

  // After a move, every row's field names and buttons follow its new position.
  function renumber(list) {
    var kind = list.getAttribute("data-reorder");
    var items = list.querySelectorAll(":scope > [data-item]");
    Array.prototype.forEach.call(items, function (item, i) {
      Array.prototype.forEach.call(item.querySelectorAll("[name]"), function (el) {
        var name = el.getAttribute("name");
        if (name === "op") {
          el.value = el.value.replace(/:\d+$/, ":" + i);
          if (el.getAttribute("data-dir") === "up") el.disabled = i === 0;
          if (el.getAttribute("data-dir") === "down") el.disabled = i === items.length - 1;
          var hidden = el.querySelector(".visually-hidden");
          if (hidden) hidden.textContent = hidden.textContent.replace(/\d+/, String(i + 1));
        } else if (name.indexOf(kind + ".") === 0) {
          el.setAttribute("name", name.replace(/^(reason|offer)\.\d+\./, kind + "." + i + "."));
        }
      });
      Array.prototype.forEach.call(item.querySelectorAll("[data-pos]"), function (pos) {
        pos.textContent = String(i + 1);
      });
    });
  }

  // What the server now holds: rows point at the saved draft (translations are found through these).
  function afterSave() {
    Array.prototype.forEach.call(form.querySelectorAll("[data-reorder='reason'] > [data-item]"), function (item) {
      var was = item.querySelector("[data-was]");
      var text = item.querySelector("[data-reason-text]");
      if (was && text) was.value = text.value;
    });
    var offset = Number(form.getAttribute("data-offer-offset") || "0");
    Array.prototype.forEach.call(form.querySelectorAll("[data-reorder='offer'] > [data-item]"), function (item, i) {
      var orig = item.querySelector("[data-orig]");
      if (orig) orig.value = String(i + offset);
    });
    // The preview's reason picker points at reasons by position: name them as they now read.
    var texts = Array.prototype.map.call(form.querySelectorAll("[data-reason-text]"), function (input) {
      return input.value;
    });
    var jump = document.querySelector("[data-preview-jump]");
    if (jump) {
      Array.prototype.slice.call(jump.options).forEach(function (option) {
        var m = /^reason:(\d+)$/.exec(option.value);
        if (m) option.textContent = "Reason " + (Number(m[1]) + 1) + ": “" + (texts[Number(m[1])] || "") + "”";
      });
    }
    // The draft may now differ from the live version: offer to publish it.
    var note = document.querySelector("[data-publish-note]");
    var publish = document.querySelector("[data-publish-form]");
    if (publish) publish.hidden = false;
    if (note) note.hidden = true;
    if (frame && frame.contentWindow) frame.contentWindow.location.reload();
    // A count of finished background saves (tests and anything else waiting for one can watch it).
    form.setAttribute("data-saves", String(Number(form.getAttribute("data-saves") || "0") + 1));
  }

  function fallback() {
    // Let the server show what is wrong, beside the field: an ordinary submit of the same form.
    var op = document.createElement("input");
    op.type = "hidden";
    op.name = "op";
    op.value = "save";
    form.appendChild(op);
    form.submit();
  }

  function save() {
    if (saving) {
      pending = true;
      return;
    }
    saving = true;
    say("Saving…");
    var body = new URLSearchParams(new FormData(form));
    body.set("op", "save");
    body.set("quiet", "1");
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" } })
      .then(function (response) {
        saving = false;
        if (response.type === "opaqueredirect" || response.status === 303) {
          afterSave();
          say("Draft saved. Publish to make it live.");
          if (pending) {
            pending = false;
            save();
          }
        } else fallback();
      })
      .catch(function () {
        saving = false;
        say("Not saved: the server could not be reached. Try again.");
      });
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    var op = button && button.name === "op" ? button.value : "save";
    var move = /^(reason|offer)-(up|down):(\d+)$/.exec(op);
    var newReason = form.querySelector("[name='newReason']");
    if (move) {
      event.preventDefault();
      var item = button.closest("[data-item]");
      var list = item.parentElement;
      if (move[2] === "up" && item.previousElementSibling) list.insertBefore(item, item.previousElementSibling);
      if (move[2] === "down" && item.nextElementSibling) list.insertBefore(item.nextElementSibling, item);
      renumber(list);
      // Keep the keyboard where it was: on the same button, now in its new place (or its sibling at an end).
      var same = item.querySelector("[data-dir='" + move[2] + "']");
      (same && !same.disabled ? same : item.querySelector("[data-dir]:not([disabled])") || button).focus();
      save();
      return;
    }
    // A plain save in the background; adding and removing rows reload the page (new rows need the server's keys).
    if (op === "save" && !(newReason && newReason.value.trim())) {
      event.preventDefault();
      save();
    }
  });
})();
