/* KepSign: sign a document with the user's own key in the browser (WebCrypto).
 *
 * KepSign.sign({prepareUrl, completeUrl, fields, keyFile, certFile, onProgress, status})
 *   1. reads the PKCS#8 PEM key and the certificate (PEM or DER) with FileReader;
 *   2. POSTs `fields` + `certificate` (base64 of the certificate file) + the CSRF token to
 *      prepareUrl, which answers {draft_id, signed_info, algorithm, hash} (or {error, problems});
 *   3. imports the key (non-extractable) and signs the base64-decoded signed_info;
 *   4. POSTs {draft_id, signature} to completeUrl and resolves with its JSON answer.
 * The key never leaves the browser: only the signature value and the certificate are sent.
 * Errors reject with an Error whose message is in Ukrainian (and .problems, .code from the server).
 *
 * Auto-wiring: a <form data-kep-sign data-prepare-url=… data-complete-url=…> holding a button
 * [data-kep-sign-button], file inputs [data-kep-key] and [data-kep-cert] and a status element
 * [data-kep-status] (aria-live) signs its other fields on that button; on success it goes to the
 * answer's `redirect`. Elements marked [data-kep-ready] are shown only when WebCrypto is available.
 */
(function () {
  "use strict";

  var TEXT = {
    reading: "Читаю ключ…",
    preparing: "Готую документ…",
    signing: "Підписую…",
    sending: "Надсилаю…",
    done: "Готово.",
    noCrypto: "Ваш браузер не вміє підписувати (немає WebCrypto або сторінку відкрито не через HTTPS). Скористайтеся підписом власною програмою.",
    noKey: "Оберіть файл особистого ключа.",
    noCert: "Оберіть файл сертифіката.",
    encrypted: "Ключ зашифровано паролем. Браузер приймає лише незашифрований ключ PKCS#8 («BEGIN PRIVATE KEY»). Скористайтеся підписом власною програмою.",
    notPkcs8: "Цей файл ключа браузер прочитати не може (потрібен PKCS#8 PEM, «BEGIN PRIVATE KEY»; ключі ДСТУ 4145, Key-6.dat, не підтримуються). Скористайтеся підписом власною програмою.",
    badKey: "Ключ не підходить до сертифіката або його тип не підтримується (потрібен RSA чи ECDSA P-256).",
    network: "Не вдалося з'єднатися із сервером. Перевірте з'єднання та спробуйте ще раз.",
    server: "Сервер не зміг обробити запит. Спробуйте пізніше."
  };

  function fail(message, extra) {
    var error = new Error(message);
    if (extra) { error.code = extra.code; error.problems = extra.problems; }
    return error;
  }

  function readFile(file, asText) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(fail("Не вдалося прочитати файл " + file.name + ".")); };
      if (asText) { reader.readAsText(file); } else { reader.readAsArrayBuffer(file); }
    });
  }

  function toBase64(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i += 1) { text += String.fromCharCode(bytes[i]); }
    return window.btoa(text);
  }

  function fromBase64(text) {
    var raw = window.atob(text), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes.buffer;
  }

  function pkcs8Der(pem) {
    if (pem.indexOf("ENCRYPTED PRIVATE KEY") !== -1) { throw fail(TEXT.encrypted); }
    var match = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pem);
    if (!match) { throw fail(TEXT.notPkcs8); }
    return fromBase64(match[1].replace(/\s+/g, ""));
  }

  function csrfToken(form) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { return meta.getAttribute("content"); }
    var field = (form || document).querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function post(url, data, token) {
    var body = new FormData();
    Object.keys(data).forEach(function (name) { body.append(name, data[name]); });
    if (token && !data.csrf_token) { body.append("csrf_token", token); }
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": token || "", "Accept": "application/json" }
    }).catch(function () { throw fail(TEXT.network); }).then(function (response) {
      return response.json().catch(function () { throw fail(TEXT.server); }).then(function (json) {
        if (!response.ok) { throw fail(json.error || TEXT.server, json); }
        return json;
      });
    });
  }

  function algorithms(name) {
    if (name === "ECDSA") {
      return { importAs: { name: "ECDSA", namedCurve: "P-256" }, signWith: { name: "ECDSA", hash: "SHA-256" } };
    }
    return { importAs: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, signWith: { name: "RSASSA-PKCS1-v1_5" } };
  }

  function sign(options) {
    var progress = function (text) {
      if (options.status) { options.status.textContent = text; }
      if (options.onProgress) { options.onProgress(text); }
    };
    var subtle = window.crypto && window.crypto.subtle;
    if (!subtle) { return Promise.reject(fail(TEXT.noCrypto)); }
    if (!options.keyFile) { return Promise.reject(fail(TEXT.noKey)); }
    if (!options.certFile) { return Promise.reject(fail(TEXT.noCert)); }
    var token = options.csrfToken || csrfToken(options.form);
    var der, draft;
    progress(TEXT.reading);
    return readFile(options.keyFile, true).then(function (pem) {
      der = pkcs8Der(String(pem));
      return readFile(options.certFile, false);
    }).then(function (cert) {
      progress(TEXT.preparing);
      var fields = Object.assign({}, options.fields || {}, { certificate: toBase64(cert) });
      return post(options.prepareUrl, fields, token);
    }).then(function (answer) {
      draft = answer;
      progress(TEXT.signing);
      var algo = algorithms(answer.algorithm);
      return subtle.importKey("pkcs8", der, algo.importAs, false, ["sign"])
        .catch(function () { throw fail(TEXT.badKey); })
        .then(function (key) { return subtle.sign(algo.signWith, key, fromBase64(answer.signed_info)); });
    }).then(function (signature) {
      der = null;
      progress(TEXT.sending);
      return post(options.completeUrl, { draft_id: draft.draft_id, signature: toBase64(signature) }, token);
    }).then(function (answer) {
      progress(answer.message || TEXT.done);
      return answer;
    });
  }

  function formFields(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.disabled) { return; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      fields[el.name] = el.value;
    });
    return fields;
  }

  function showProblems(form, status, error) {
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) {
      el.removeAttribute("aria-invalid");
    });
    status.textContent = "";
    var head = document.createElement("p");
    head.className = "error";
    head.textContent = error.message;
    status.appendChild(head);
    var problems = error.problems || {};
    var names = Object.keys(problems).filter(function (name) { return name; });
    if (!names.length) { return; }
    var list = document.createElement("ul");
    names.forEach(function (name) {
      var field = form.elements.namedItem(name);
      var item = document.createElement("li");
      if (field && field.id) {
        field.setAttribute("aria-invalid", "true");
        var link = document.createElement("a");
        link.href = "#" + field.id;
        link.textContent = problems[name];
        item.appendChild(link);
      } else {
        item.textContent = problems[name];
      }
      list.appendChild(item);
    });
    status.appendChild(list);
  }

  function wire(form) {
    var button = form.querySelector("[data-kep-sign-button]");
    var status = form.querySelector("[data-kep-status]");
    if (!button || !status) { return; }
    Array.prototype.forEach.call(form.querySelectorAll("[data-kep-ready]"), function (el) {
      el.hidden = !(window.crypto && window.crypto.subtle);
    });
    button.addEventListener("click", function () {
      var key = form.querySelector("[data-kep-key]"), cert = form.querySelector("[data-kep-cert]");
      button.disabled = true;
      status.classList.remove("kep-failed");
      sign({
        prepareUrl: form.getAttribute("data-prepare-url"),
        completeUrl: form.getAttribute("data-complete-url"),
        fields: formFields(form), form: form, status: status,
        keyFile: key && key.files[0], certFile: cert && cert.files[0]
      }).then(function (answer) {
        status.setAttribute("data-state", "done");
        if (answer.redirect) { window.location.assign(answer.redirect); }
      }).catch(function (error) {
        status.setAttribute("data-state", "failed");
        status.classList.add("kep-failed");
        showProblems(form, status, error);
      }).then(function () { button.disabled = false; });
    });
  }

  window.KepSign = { sign: sign, text: TEXT };
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-kep-sign]"), wire);
  });
}());
