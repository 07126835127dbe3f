// trcalc task pane: the API key form (opened from the ribbon: Home → trcalc → API key).
// It runs in the same shared runtime as functions.js, which owns the storage (OfficeRuntime.storage).
(function () {
  "use strict";
  function start() {
    var form = document.getElementById("trcalc-key-form");
    var input = document.getElementById("trcalc-key");
    var status = document.getElementById("trcalc-status");
    if (!form || !input) return;
    window.trcalcAddin.getApiKey().then(function (key) {
      status.textContent = key ? "Anahtar kayıtlı — a key is saved" : "Anahtar yok — no key saved";
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var key = input.value;
      window.trcalcAddin.setApiKey(key).then(function () {
        input.value = "";
        status.textContent = key.trim() ? "Anahtar kaydedildi — key saved" : "Anahtar silindi — key removed";
      }, function (err) {
        status.textContent = "Kaydedilemedi — could not save (" + err + ")";
      });
    });
  }
  if (typeof Office !== "undefined" && Office.onReady) {
    Office.onReady(start);
  } else {
    start();
  }
})();
