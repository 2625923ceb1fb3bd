/* 学历资历 / 专业技术工作经历 / 业绩成果: the upload dialog (选择文件, preview, 确定).
 *
 * Files chosen in the dialog are staged in hidden inputs `upload-N` (one per file, with its part in
 * `upload-N-part`) and sent with the entry when the applicant clicks 保存, as the manual describes.
 * Which parts an entry needs is asked from the server (/applicant/items/parts/<kind>), so the rule
 * lives in one place.
 */
(function () {
  "use strict";

  var form = document.getElementById("item-form");
  if (!form) { return; }
  var dialog = document.getElementById("upload-dialog");
  var chooser = document.getElementById("dialog-files");
  var preview = document.getElementById("dialog-preview");
  var partSelect = document.getElementById("dialog-part");
  var message = document.getElementById("dialog-message");
  var staged = document.getElementById("staged-inputs");
  var pendingBody = document.querySelector("#pending-files tbody");
  var requiredList = document.getElementById("required-parts");
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 2097152;
  var maxFiles = parseInt(form.getAttribute("data-max-files"), 10) || 10;
  var counter = 0;
  var objectUrls = [];

  function sizeLabel(bytes) {
    return bytes < 1048576 ? Math.max(1, Math.round(bytes / 1024)) + "KB" : (bytes / 1048576).toFixed(1) + "MB";
  }

  function problemOf(file) {
    var name = file.name.toLowerCase();
    var typeOk = file.type === "image/jpeg" || file.type === "application/pdf" || /\.(jpe?g|pdf)$/.test(name);
    if (!typeOk) { return "文件类型不支持，只能上传JPG、JPEG或PDF文件"; }
    if (file.size > maxBytes) { return "文件超过" + sizeLabel(maxBytes) + "（实际" + sizeLabel(file.size) + "）"; }
    return "";
  }

  function partOptions(selected) {
    var select = document.createElement("select");
    select.className = "input-sm file-part";
    Array.prototype.forEach.call(partSelect.options, function (option) {
      var copy = new Option(option.text, option.value);
      copy.selected = option.value === selected;
      select.appendChild(copy);
    });
    return select;
  }

  function clearPreview() {
    objectUrls.forEach(function (url) { URL.revokeObjectURL(url); });
    objectUrls = [];
    preview.innerHTML = "";
    message.textContent = "";
  }

  function renderPreview() {
    clearPreview();
    Array.prototype.forEach.call(chooser.files, function (file, index) {
      var row = document.createElement("div");
      row.className = "preview-item";
      row.setAttribute("data-index", index);
      if (file.type === "image/jpeg" || /\.jpe?g$/i.test(file.name)) {
        var img = document.createElement("img");
        var url = URL.createObjectURL(file);
        objectUrls.push(url);
        img.src = url;
        img.alt = file.name;
        row.appendChild(img);
      } else {
        var icon = document.createElement("span");
        icon.className = "pdf-icon";
        icon.textContent = "PDF";
        row.appendChild(icon);
      }
      var name = document.createElement("span");
      name.className = "preview-name";
      name.textContent = file.name + "（" + sizeLabel(file.size) + "）";
      row.appendChild(name);
      row.appendChild(partOptions(partSelect.value));
      var problem = problemOf(file);
      if (problem) {
        var warn = document.createElement("span");
        warn.className = "text-danger preview-problem";
        warn.textContent = problem;
        row.appendChild(warn);
      }
      preview.appendChild(row);
    });
  }

  function stagedCount() {
    return staged.querySelectorAll("input[type=file]").length;
  }

  function stageFile(file, part) {
    counter += 1;
    var key = "upload-" + counter;
    var input = document.createElement("input");
    input.type = "file";
    input.name = key;
    var transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    var partInput = document.createElement("input");
    partInput.type = "hidden";
    partInput.name = key + "-part";
    partInput.value = part;
    staged.appendChild(input);
    staged.appendChild(partInput);

    var row = document.createElement("tr");
    row.className = "pending-file";
    var nameCell = document.createElement("td");
    nameCell.textContent = file.name + "（" + sizeLabel(file.size) + "）";
    var partCell = document.createElement("td");
    partCell.textContent = part;
    var actionCell = document.createElement("td");
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn btn-link btn-xs";
    remove.textContent = "移除";
    remove.addEventListener("click", function () {
      input.remove();
      partInput.remove();
      row.remove();
    });
    actionCell.appendChild(remove);
    row.appendChild(nameCell);
    row.appendChild(partCell);
    row.appendChild(actionCell);
    pendingBody.appendChild(row);
  }

  function confirmDialog() {
    var files = Array.prototype.slice.call(chooser.files);
    if (!files.length) { dialog.close(); return; }
    var rows = preview.querySelectorAll(".preview-item");
    var bad = files.map(problemOf).filter(Boolean);
    if (bad.length) { message.textContent = bad[0]; return; }
    if (stagedCount() + files.length > maxFiles) {
      message.textContent = "一次最多上传" + maxFiles + "个文件，请先保存后再继续上传";
      return;
    }
    files.forEach(function (file, index) {
      var select = rows[index] ? rows[index].querySelector("select") : null;
      stageFile(file, select ? select.value : partSelect.value);
    });
    chooser.value = "";
    clearPreview();
    dialog.close();
  }

  function formQuery() {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrf_token" || /^upload-/.test(el.name)) { return; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      params.append(el.name, el.value);
    });
    return params.toString();
  }

  function refreshParts() {
    var url = form.getAttribute("data-parts-url");
    if (!url || !window.fetch) { return; }
    window.fetch(url + "?" + formQuery(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (proofs) {
        if (!proofs) { return; }
        var current = partSelect.value;
        partSelect.innerHTML = "";
        requiredList.innerHTML = "";
        proofs.forEach(function (proof) {
          proof.parts.forEach(function (part) {
            var option = new Option(part + (proof.required ? "（必传）" : ""), part);
            option.selected = part === current;
            partSelect.appendChild(option);
          });
          if (proof.required) {
            var li = document.createElement("li");
            li.textContent = proof.label;
            requiredList.appendChild(li);
          }
        });
        if (!requiredList.children.length) {
          var none = document.createElement("li");
          none.className = "text-muted";
          none.textContent = "无必传材料";
          requiredList.appendChild(none);
        }
      })
      .catch(function () { /* keep the list the page was rendered with */ });
  }

  document.getElementById("open-upload").addEventListener("click", function () {
    clearPreview();
    dialog.showModal();
  });
  chooser.addEventListener("change", renderPreview);
  partSelect.addEventListener("change", function () {
    preview.querySelectorAll("select").forEach(function (select) { select.value = partSelect.value; });
  });
  document.getElementById("dialog-ok").addEventListener("click", confirmDialog);
  document.getElementById("dialog-cancel").addEventListener("click", function () {
    chooser.value = "";
    clearPreview();
    dialog.close();
  });
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name && !/^upload-/.test(event.target.name) && event.target !== chooser) {
      refreshParts();
    }
  });
})();
