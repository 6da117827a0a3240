/* Enter in a one-line field does not file a form of several fields.
 *
 * On a phone the keyboard's Enter key sits where a thumb reaches for the next field, and a browser
 * submits the form on Enter in any text input: a half-written visit report was filed that way.
 * Here Enter in such a field moves to the next field instead. A textarea still takes Enter (a new
 * line), a button still submits, a form of one field (a search box) still submits on Enter, and a
 * form marked data-enter-submits (the login form) keeps the browser's behaviour.
 */
(function () {
  "use strict";

  var ONE_LINE = /^(text|email|number|tel|url|search|password|date|datetime-local|month|week|time)$/;

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (el.disabled || el.type === "hidden" || el.type === "fieldset") return false;
      return !/^(submit|button|reset|image)$/.test(el.type) && el.tagName !== "BUTTON" && el.tagName !== "OUTPUT";
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
    var field = event.target;
    if (!field || field.tagName !== "INPUT" || !ONE_LINE.test(field.type)) return;
    var form = field.form;
    if (!form || (form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    if (form.hasAttribute("data-enter-submits")) return;
    var fields = fieldsOf(form);
    if (fields.length < 2) return;
    event.preventDefault();
    var next = fields[fields.indexOf(field) + 1];
    if (next && typeof next.focus === "function") next.focus();
  });
})();

/* A table wider than the screen (a phone) scrolls sideways inside its .table-responsive box: the
 * box takes the keyboard focus then, so a keyboard user can scroll it with the arrow keys (WCAG
 * 2.1.1; axe-core's scrollable-region-focusable). Checked on load, after an htmx swap and on resize.
 */
(function () {
  "use strict";

  function markScrollable() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", markScrollable);
  document.addEventListener("htmx:load", markScrollable);
  window.addEventListener("resize", markScrollable);
})();

/* The pickers of customers and people (salesorg/picking.py): past a few hundred choices in scope the
 * select holds only the chosen one and a search box fills it (htmx). When a search finds exactly one,
 * it is chosen, and the select says so with a change event (the order form's credit panel, the
 * visit form's stakeholders follow it).
 */
(function () {
  "use strict";

  document.addEventListener("htmx:afterSwap", function (event) {
    var select = event.detail.target;
    if (!select || select.tagName !== "SELECT" || !select.id) return;
    if (!document.querySelector('[data-pick-search="' + select.id + '"]')) return;
    var found = Array.prototype.filter.call(select.options, function (option) {
      return option.value && !option.disabled;
    });
    if (found.length !== 1) return;
    select.value = found[0].value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });
})();
