// Qualification documents and ticket files go straight from the browser to S3 with a presigned POST; the portal
// never receives the file. Then the portal checks what was stored (size, real type) and keeps or
// rejects it. Errors are shown next to the field that caused them.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) { return; }
  var messages = document.getElementById("upload-messages").dataset;
  var status = document.getElementById("upload-status");
  var problem = document.getElementById("upload-problem");
  var button = document.getElementById("upload-button");
  var MAX = 10 * 1024 * 1024;

  function clearErrors() {
    form.querySelectorAll(".error.js").forEach(function (el) { el.remove(); });
    form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    problem.hidden = true;
  }

  function fieldError(name, text) {
    var input = form.querySelector("[name='" + name + "']");
    var box = input ? input.closest(".field") : null;
    if (!box) { problem.textContent = text; problem.hidden = false; return; }
    box.classList.add("has-error");
    var p = document.createElement("p");
    p.className = "error js";
    p.id = name + "-error";
    p.textContent = text;
    box.appendChild(p);
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    clearErrors();
    var file = form.querySelector("#file").files[0];
    if (!file) { fieldError("file", messages.noFile); return; }
    if (file.size > MAX) { fieldError("file", messages.tooLarge); return; }
    var csrf = form.querySelector("[name=csrf_token]").value;
    var body = {filename: file.name, content_type: file.type};
    new FormData(form).forEach(function (value, name) {  // the form's other fields (dates, type, …)
      if (name !== "file" && name !== "csrf_token") { body[name] = value; }
    });
    button.disabled = true;
    status.textContent = messages.uploading;
    try {
      var response = await fetch(form.dataset.request, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
        body: JSON.stringify(body)
      });
      var data = await response.json();
      if (!response.ok) {
        var fields = (data.error && data.error.fields) || {};
        Object.keys(fields).forEach(function (name) { fieldError(name, fields[name][0]); });
        if (!Object.keys(fields).length) { fieldError("", (data.error && data.error.message) || messages.failed); }
        status.textContent = "";
        return;
      }
      var upload = new FormData();
      Object.keys(data.fields).forEach(function (k) { upload.append(k, data.fields[k]); });
      upload.append("file", file);
      try { await fetch(data.url, {method: "POST", body: upload}); } catch (e) { /* the check below tells */ }
      status.textContent = messages.checking;
      var checked = await fetch(data.confirm_url, {
        method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrf, "Accept": "application/json"}
      });
      var result = await checked.json();
      if (!checked.ok || result.status === "rejected") {  // refused: say why next to the file, stay here
        fieldError("file", result.message || (result.error && result.error.message) || messages.failed);
        status.textContent = "";
        return;
      }
      window.location.assign(form.dataset.done);
    } catch (e) {
      fieldError("", messages.failed);
      status.textContent = "";
    } finally {
      button.disabled = false;
    }
  });
})();
