/* 5 小结: live character count (the same rule as app/validators/dossier.py) and a draft kept
 * in localStorage, so text typed before a session timeout is restored after logging in again. */
(function (root) {
  "use strict";

  // Keep this character class identical to SUMMARY_UNCOUNTED in app/validators/dossier.py.
  var UNCOUNTED = /[ \t\n\r\f\v\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/gu;

  function countSummaryChars(text) {
    text = text || "";
    var uncounted = text.match(UNCOUNTED);
    return Array.from(text).length - (uncounted ? uncounted.length : 0);
  }

  root.countSummaryChars = countSummaryChars;
  if (typeof module !== "undefined" && module.exports) {
    module.exports = { countSummaryChars: countSummaryChars };
  }
  if (typeof document === "undefined") {
    return;
  }

  var area = document.getElementById("summary-text");
  if (!area) {
    return;
  }
  var counter = document.getElementById("summary-count");
  var hint = document.getElementById("summary-hint");
  var restored = document.getElementById("draft-restored");
  var low = parseInt(area.dataset.min, 10);
  var high = parseInt(area.dataset.max, 10);
  var key = area.dataset.draftKey;

  function storage() {
    try {
      return root.localStorage;
    } catch (e) {
      return null;
    }
  }

  function update() {
    var count = countSummaryChars(area.value);
    var ok = count >= low && count <= high;
    counter.textContent = String(count);
    counter.className = "summary-count " + (ok ? "in-range" : "out-of-range");
    if (count < low) {
      hint.textContent = "还需 " + (low - count) + " 字";
    } else if (count > high) {
      hint.textContent = "超出 " + (count - high) + " 字";
    } else {
      hint.textContent = "";
    }
  }

  function saveDraft() {
    var store = storage();
    if (!store) {
      return;
    }
    try {
      if (area.value === area.defaultValue) {
        store.removeItem(key);
      } else {
        store.setItem(key, JSON.stringify({ text: area.value, at: Date.now() }));
      }
    } catch (e) {
      /* storage full or disabled: the server copy is all there is */
    }
  }

  function readDraft() {
    var store = storage();
    if (!store) {
      return null;
    }
    try {
      var draft = JSON.parse(store.getItem(key) || "null");
      return draft && typeof draft.text === "string" ? draft.text : null;
    } catch (e) {
      return null;
    }
  }

  var draft = readDraft();
  if (draft !== null && !area.readOnly) {
    if (draft === area.defaultValue) {
      storage().removeItem(key);
    } else {
      area.value = draft;
      restored.hidden = false;
    }
  }
  document.getElementById("draft-discard").addEventListener("click", function () {
    area.value = area.defaultValue;
    storage() && storage().removeItem(key);
    restored.hidden = true;
    update();
  });
  area.addEventListener("input", function () {
    saveDraft();
    update();
  });
  update();
})(typeof window !== "undefined" ? window : globalThis);
