import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Wide tables scroll sideways inside their own box on narrow screens, so the rest of the page reflows
// (WCAG 1.4.10). A box that does scroll can take the keyboard focus, so it can be scrolled without a mouse.
function fitWideTables() {
  for (const table of document.querySelectorAll("table.govuk-table")) {
    if (!table.parentElement.classList.contains("app-table-scroll")) {
      const box = document.createElement("div");
      box.className = "app-table-scroll";
      table.replaceWith(box);
      box.append(table);
    }
  }
  for (const box of document.querySelectorAll(".app-table-scroll")) {
    if (box.scrollWidth > box.clientWidth) {
      const caption = box.querySelector("caption");
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
    } else if (box.hasAttribute("tabindex")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }
}
// A chart on a phone keeps its labels legible and scrolls in its own box (app.css): that box too can take the
// focus when it scrolls, named by the chart's title.
function fitWideCharts() {
  for (const figure of document.querySelectorAll(".app-chart-figure")) {
    if (figure.scrollWidth > figure.clientWidth) {
      const title = figure.querySelector("svg title");
      figure.tabIndex = 0;
      figure.setAttribute("role", "region");
      figure.setAttribute("aria-label", title ? title.textContent.trim() : "Chart");
    } else if (figure.hasAttribute("tabindex")) {
      figure.removeAttribute("tabindex");
      figure.removeAttribute("role");
      figure.removeAttribute("aria-label");
    }
  }
}
fitWideTables();
fitWideCharts();
window.addEventListener("resize", fitWideTables);
window.addEventListener("resize", fitWideCharts);
