// Lindung: small behaviours on top of htmx.
document.addEventListener("htmx:responseError", function (event) {
  // htmx does not swap 4xx/5xx answers; tell the user instead of failing silently.
  var xhr = event.detail.xhr;
  var msg = xhr.status === 403
    ? (document.documentElement.lang === "en" ? "You are not allowed to do this." : "Anda tidak berwenang melakukan tindakan ini.")
    : (document.documentElement.lang === "en" ? "The request failed; reload the page and try again." : "Permintaan gagal; muat ulang halaman dan coba lagi.");
  window.alert(msg);
});
document.addEventListener("change", function (event) {
  // "Select all" checkbox of a bulk form: ticks the boxes that belong to the same form.
  var box = event.target;
  if (box.matches("input[data-select-all]")) {
    document.querySelectorAll('input[type=checkbox][form="' + box.dataset.selectAll + '"]')
      .forEach(function (b) { if (b !== box) b.checked = box.checked; });
  }
});
document.addEventListener("htmx:configRequest", function (event) {
  // Live search and filters: leave empty fields out, so the pushed URL stays short and shareable.
  if (event.detail.verb !== "get") return;
  var params = event.detail.parameters;
  Object.keys(params).forEach(function (key) {
    if (params[key] === "") delete params[key];
  });
});
document.addEventListener("change", function (event) {
  // A select that submits its form when changed (the language switch). Inline handlers
  // (onchange=...) are refused by the Content-Security-Policy; behaviour lives here.
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});
document.addEventListener("click", function (event) {
  // A plain (non-htmx) button that asks first: data-confirm="question". htmx buttons use
  // hx-confirm instead.
  var button = event.target.closest("[data-confirm]:not([hx-confirm])");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
(function () {
  // Phones (village operators, 360-414 px): a wide table scrolls inside its own box instead of
  // widening the page. Tables already in a scrolling box (.overflow-auto) are left alone; new
  // content swapped in by htmx is handled too.
  function boxTables(root) {
    (root || document).querySelectorAll("main table").forEach(function (table) {
      if (table.closest(".overflow-auto")) return;
      var box = document.createElement("div");
      box.className = "overflow-auto";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { boxTables(document); });
  document.addEventListener("htmx:afterSwap", function (event) { boxTables(event.target); });
})();
(function () {
  // A card's figure (Rp1.612.800.000 on a 170 px card of a phone) never breaks mid-number:
  // lindung.css keeps it on one line, and a figure wider than its card is set smaller until
  // it fits, at every width (on load, when the window is resized, after an htmx swap).
  function fitFigures(root) {
    (root || document).querySelectorAll(".stat .value").forEach(function (el) {
      el.style.fontSize = "";
      var size = parseFloat(window.getComputedStyle(el).fontSize);
      while (el.scrollWidth > el.clientWidth && size > 10) {
        size -= 1;
        el.style.fontSize = size + "px";
      }
    });
  }
  var pending = null;
  document.addEventListener("DOMContentLoaded", function () { fitFigures(document); });
  document.addEventListener("htmx:afterSettle", function (event) { fitFigures(event.target); });
  window.addEventListener("resize", function () {
    window.cancelAnimationFrame(pending);
    pending = window.requestAnimationFrame(function () { fitFigures(document); });
  });
})();
