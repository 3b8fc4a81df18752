/* Readings form: the volume of each counter as the user types (the server recomputes it).
 * volume = (value - previous) mod capacity x coefficient; a decrease is a rollover only when the
 * difference it implies is below `rollover` of the capacity (docs/readings.md). */
(function () {
  "use strict";

  function volumeText(input) {
    var text = input.value.replace(/[\s\u00a0]/g, "");
    var previous = input.getAttribute("data-previous");
    var unit = input.getAttribute("data-unit") || "";
    if (!text) { return ""; }
    if (!/^[0-9]{1,12}$/.test(text)) { return "Показник має бути цілим невід'ємним числом."; }
    var value = Number(text), capacity = Number(input.getAttribute("data-capacity"));
    if (value >= capacity) { return "Забагато цифр для цього лічильника."; }
    if (previous === "") { return "Обсяг буде пораховано з наступного місяця."; }
    var prev = Number(previous), diff = value - prev;
    if (diff < 0) {
      diff = ((diff % capacity) + capacity) % capacity;
      if (diff >= capacity * Number(input.getAttribute("data-rollover") || 0.5)) {
        return "Показник менший за попередній (" + prev + "): лічильник не може рахувати назад.";
      }
    }
    return "Обсяг: " + diff * Number(input.getAttribute("data-coefficient") || 1) + " " + unit;
  }

  function update(input) {
    var output = document.getElementById(input.id + "-volume");
    if (output) { output.textContent = volumeText(input); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-reading]"), function (input) {
      input.addEventListener("input", function () { update(input); });
      if (input.value) { update(input); }
    });
    var bulk = document.getElementById("bulk-form");
    if (bulk) {
      bulk.addEventListener("submit", function () {
        var status = document.getElementById("bulk-status");
        if (status) { status.textContent = bulk.getAttribute("data-progress") || "Завантажую…"; }
      });
    }
  });
}());
