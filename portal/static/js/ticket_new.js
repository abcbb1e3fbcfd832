// A new ticket with files (issue 17): each chosen file goes straight from the browser to S3 with a presigned POST
// (the portal never receives it); the form then names the uploads and the portal checks every file before it
// writes the ticket. A bad file is shown next to the files field and no ticket is created.
(function () {
  "use strict";
  var form = document.getElementById("ticket-form");
  if (!form) { return; }
  var input = document.getElementById("files-input");
  var messages = document.getElementById("upload-messages").dataset;
  var status = document.getElementById("upload-status");
  var button = document.getElementById("ticket-submit");
  var MAX = 10 * 1024 * 1024;
  var sending = false;

  function fileError(text) {
    var box = document.getElementById("field-files");
    var old = document.getElementById("files-error");
    if (old) { old.remove(); }
    box.classList.add("has-error");
    var p = document.createElement("p");
    p.className = "error";
    p.id = "files-error";
    p.textContent = text;
    box.appendChild(p);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", "files-hint files-error");
  }

  function hidden(name, value) {
    var el = document.createElement("input");
    el.type = "hidden";
    el.name = name;
    el.value = value;
    el.className = "js-upload";
    form.appendChild(el);
  }

  async function upload(file, csrf) {
    var response = await fetch(form.dataset.request, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify({filename: file.name, content_type: file.type})
    });
    var data = await response.json();
    if (!response.ok) {
      var fields = (data.error && data.error.fields) || {};
      var first = fields.file || fields.filename || fields.content_type;
      throw new Error(file.name + ": " + ((first && first[0]) || (data.error && data.error.message) || messages.failed));
    }
    var body = new FormData();
    Object.keys(data.fields).forEach(function (k) { body.append(k, data.fields[k]); });
    body.append("file", file);
    try { await fetch(data.url, {method: "POST", body: body}); } catch (e) { /* the portal's check tells */ }
    hidden("files", data.upload_id);
    hidden("file_names", file.name);
  }

  form.addEventListener("submit", async function (event) {
    var chosen = Array.prototype.slice.call(input.files || []);
    if (sending || !chosen.length) { return; }  // no new file: the form goes as it is
    event.preventDefault();
    var big = chosen.filter(function (f) { return f.size > MAX; })[0];
    if (big) { fileError(big.name + ": " + messages.tooLarge); return; }
    var csrf = form.querySelector("[name=csrf_token]").value;
    form.querySelectorAll(".js-upload").forEach(function (el) { el.remove(); });
    button.disabled = true;
    status.textContent = messages.uploading;
    try {
      for (var i = 0; i < chosen.length; i++) { await upload(chosen[i], csrf); }
    } catch (e) {
      fileError(e.message || messages.failed);
      status.textContent = "";
      button.disabled = false;
      return;
    }
    status.textContent = messages.checking;
    sending = true;
    input.value = "";
    form.submit();
  });
})();
