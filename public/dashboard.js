// Progressive enhancement for the operator dashboard; every page works without it.
(function () {
  // Copy buttons: <button data-copy="element-id" hidden> copies that element's value or text.
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (!target) return;
      var text = "value" in target && target.tagName !== "BUTTON" ? target.value : target.textContent;
      navigator.clipboard.writeText(text).then(function () {
        var label = button.textContent;
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
  });

  // Confirmations: a form with data-confirm asks first, then tells the server it was confirmed
  // (without JavaScript the server shows its own confirmation page instead).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (!question) return;
    if (!window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (!form.querySelector('input[name="confirmed"]')) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "confirmed";
      hidden.value = "1";
      form.appendChild(hidden);
    }
  });

  // The workspace switcher submits on change; its button is only needed without JavaScript.
  Array.prototype.forEach.call(document.querySelectorAll("select[data-autosubmit]"), function (select) {
    var button = select.form && select.form.querySelector("[data-autosubmit-button]");
    if (button) button.classList.add("visually-hidden");
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Focus the first field in error so keyboard and screen-reader users land on it.
  var invalid = document.querySelector('[aria-invalid="true"]');
  if (invalid) invalid.focus();
})();
