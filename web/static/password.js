// Password strength hints and a "Генерувати" button. Mirrors password_problem() in
// adapter/services/accounts.py; the server's check is the one that counts.
(function () {
  "use strict";
  var COMMON = ["password", "qwerty", "123456", "111111", "admin", "пароль", "йцукен",
                "letmein", "welcome", "iloveyou", "abc123", "1q2w3e", "zaq1", "000000"];
  var ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#$%*+-=?@_";

  function classes(pw) {
    return [/[a-zа-яіїєґ]/, /[A-ZА-ЯІЇЄҐ]/, /[0-9]/, /[^0-9A-Za-zА-Яа-яІіЇїЄєҐґ]/]
      .filter(function (re) { return re.test(pw); }).length;
  }

  function assess(pw) {
    var hints = [], score = 0, lowered = pw.toLowerCase(), kinds = classes(pw);
    if (pw.length < 10) { hints.push("щонайменше 10 символів"); }
    if (kinds < 3 && pw.length < 16) { hints.push("три види символів або 16+ символів"); }
    if (new Set(pw).size < 5 || COMMON.some(function (w) { return lowered.indexOf(w) >= 0; })) {
      hints.push("без поширених слів і повторів");
    }
    if (pw.length >= 10) { score += 1; }
    if (pw.length >= 14) { score += 1; }
    score += kinds >= 3 ? 1 : 0;
    score += kinds === 4 || pw.length >= 16 ? 1 : 0;
    if (hints.length) { score = Math.min(score, 1); }
    return { score: score, hints: hints };
  }

  function generate(length) {
    var out = "", bytes = new Uint32Array(length);
    while (true) {
      window.crypto.getRandomValues(bytes);
      out = "";
      for (var i = 0; i < length; i++) { out += ALPHABET[bytes[i] % ALPHABET.length]; }
      if (classes(out) === 4) { return out; }
    }
  }

  function byIds(value) {
    return value.split(" ").map(function (id) { return document.getElementById(id); })
      .filter(Boolean);
  }

  function setVisible(fields, toggle, visible) {
    fields.forEach(function (f) { f.type = visible ? "text" : "password"; });
    if (toggle) {
      toggle.setAttribute("aria-pressed", visible ? "true" : "false");
      toggle.textContent = visible ? "Сховати пароль" : "Показати пароль";
    }
  }

  document.querySelectorAll("[data-password-meter]").forEach(function (input) {
    var meter = document.getElementById(input.getAttribute("data-password-meter"));
    var text = document.getElementById(meter.id + "-text");
    var tools = input.closest("form").querySelector("[data-password-tools]");
    var words = ["дуже слабкий", "слабкий", "середній", "надійний", "дуже надійний"];
    function update() {
      var result = assess(input.value);
      meter.value = result.score;
      text.textContent = input.value ? "Надійність: " + words[result.score] +
        (result.hints.length ? ". Додайте: " + result.hints.join("; ") + "." : ".") : "";
    }
    input.addEventListener("input", update);
    if (tools) { tools.hidden = false; }
    update();
  });

  document.querySelectorAll("[data-generate-password]").forEach(function (button) {
    button.addEventListener("click", function () {
      var fields = byIds(button.getAttribute("data-generate-password"));
      var toggle = button.parentNode.querySelector("[data-toggle-password]");
      var password = generate(16);
      fields.forEach(function (f) {
        f.value = password;
        f.dispatchEvent(new Event("input"));
      });
      setVisible(fields, toggle, true);  // show it so it can be saved in a password manager
      fields[0].focus();
    });
  });

  document.querySelectorAll("[data-toggle-password]").forEach(function (button) {
    button.addEventListener("click", function () {
      var fields = byIds(button.getAttribute("data-toggle-password"));
      setVisible(fields, button, fields[0].type === "password");
    });
  });
})();
