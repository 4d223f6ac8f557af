// Progressive enhancement for the hosted flow; every page works without it.
(function () {
  // One submit per form: a double click must not send the same answer twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    var submitter = event.submitter;
    if (submitter && submitter.name) {
      // Disabled buttons are not submitted: carry the chosen action in a hidden field.
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = submitter.name;
      hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) {
      b.disabled = true;
    });
  });
  // Put focus on the first error so keyboard and screen-reader users land on it.
  var error = document.getElementById("form-error");
  if (error) {
    error.setAttribute("tabindex", "-1");
    error.focus();
  }
})();
