/* 1 基本信息: the 上传证件照 dialog with a preview before 确定, and one more 考核情况 row. */
(function () {
  "use strict";

  var dialog = document.getElementById("photo-dialog");
  var opener = document.getElementById("open-photo-dialog");
  if (dialog && opener && typeof dialog.showModal === "function") {
    opener.addEventListener("click", function (event) {
      event.preventDefault();
      dialog.showModal();
    });
    var cancel = document.getElementById("photo-cancel");
    if (cancel) {
      cancel.addEventListener("click", function () {
        dialog.close();
      });
    }
  }

  var input = document.getElementById("photo-input");
  if (input) {
    var preview = document.getElementById("photo-preview");
    var error = document.getElementById("photo-error");
    var name = document.getElementById("photo-name");
    var confirm = document.getElementById("photo-confirm");
    var maxBytes = parseInt(input.dataset.maxBytes, 10);
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      error.textContent = "";
      confirm.disabled = false;
      if (!file) {
        return;
      }
      name.textContent = file.name;
      if (!/\.jpe?g$/i.test(file.name) && file.type !== "image/jpeg") {
        error.textContent = "证件照须为JPG格式";
        confirm.disabled = true;
        return;
      }
      if (file.size > maxBytes) {
        error.textContent = "证件照不能超过1MB";
        confirm.disabled = true;
        return;
      }
      preview.src = URL.createObjectURL(file);
      preview.hidden = false;
    });
  }

  var add = document.getElementById("add-assessment-row");
  var template = document.getElementById("assessment-row-template");
  if (add && template) {
    add.addEventListener("click", function () {
      var body = document.querySelector("#assessment-rows tbody");
      var next = 0;
      body.querySelectorAll("input[name$='-year']").forEach(function (field) {
        var index = parseInt(field.name.split("-")[1], 10);
        next = Math.max(next, index + 1);
      });
      var html = template.innerHTML.replace(/__INDEX__/g, String(next));
      body.insertAdjacentHTML("beforeend", html);
      body.lastElementChild.querySelector("input").focus();
    });
  }
})();
