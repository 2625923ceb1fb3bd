/* 申报基础信息: cascading drop-downs. 申报资格 follows 申报系列; 申报专业 follows level by level
 * (工学》建设工程》土木工程). Without JavaScript the form's 更新选项 button does the same. */
(function () {
  "use strict";
  var form = document.getElementById("base-info-form");
  if (!form) {
    return;
  }
  var levelsUrl = form.dataset.levelsUrl;
  var specialtiesUrl = form.dataset.specialtiesUrl;
  var pathLabel = document.getElementById("specialty-path");

  function select(name) {
    return form.querySelector("select[name=" + name + "]");
  }

  function fill(target, options) {
    target.innerHTML = "";
    var blank = document.createElement("option");
    blank.value = "";
    blank.textContent = "请选择";
    target.appendChild(blank);
    options.forEach(function (option) {
      var element = document.createElement("option");
      element.value = String(option.id);
      element.textContent = option.name;
      target.appendChild(element);
    });
  }

  function clear(names) {
    names.forEach(function (name) {
      fill(select(name), []);
    });
    showPath();
  }

  function fail(message) {
    var box = document.getElementById("refusal");
    if (!box) {
      box = document.createElement("div");
      box.id = "refusal";
      box.className = "alert alert-danger refusal";
      box.setAttribute("role", "alert");
      form.parentNode.insertBefore(box, form);
    }
    box.textContent = message;
  }

  function load(url, target) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) {
          throw new Error("登录已过期，请重新登录后再选择");
        }
        if (!response.ok) {
          throw new Error("选项加载失败，请刷新页面后重试");
        }
        return response.json();
      })
      .then(function (data) {
        fill(target, data.options || []);
      })
      .catch(function (error) {
        fill(target, []);
        fail(error.message);
      });
  }

  function query(params) {
    return Object.keys(params)
      .map(function (k) {
        return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
      })
      .join("&");
  }

  function showPath() {
    var names = ["specialty_1", "specialty_2", "specialty_3"]
      .map(function (name) {
        var s = select(name);
        return s.value ? s.options[s.selectedIndex].textContent : "";
      })
      .filter(Boolean);
    pathLabel.textContent = names.length ? "已选：" + names.join("》") : "";
  }

  select("series").addEventListener("change", function () {
    var series = this.value;
    clear(["qualification", "specialty_1", "specialty_2", "specialty_3"]);
    if (!series) {
      return;
    }
    load(levelsUrl + "?" + query({ series: series }), select("qualification"));
    load(specialtiesUrl + "?" + query({ series: series }), select("specialty_1"));
  });

  [
    ["specialty_1", "specialty_2", ["specialty_2", "specialty_3"]],
    ["specialty_2", "specialty_3", ["specialty_3"]],
  ].forEach(function (step) {
    select(step[0]).addEventListener("change", function () {
      var parent = this.value;
      clear(step[2]);
      if (!parent) {
        return;
      }
      var params = { series: select("series").value, parent: parent };
      load(specialtiesUrl + "?" + query(params), select(step[1])).then(showPath);
    });
  });
  select("specialty_3").addEventListener("change", showPath);
  showPath();
})();
