// A launch hub's countdown, ticking (progressive enhancement: the page says
// the same in server-rendered text without this script), and the launch's and
// the milestones' times in the reader's own time zone. The words match
// space/views.py countdown().
(function () {
  "use strict";

  function plural(n, unit) {
    return n + " " + unit + (n === 1 ? "" : "s");
  }

  function countdown(seconds) {
    var minutes = Math.floor(seconds / 60);
    if (minutes < 1) return "in less than a minute";
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    minutes = minutes % 60;
    var parts = [];
    if (days) parts.push(plural(days, "day"));
    if (hours) parts.push(plural(hours, "hour"));
    if (minutes) parts.push(plural(minutes, "minute"));
    if (parts.length === 1) return "in " + parts[0];
    return "in " + parts.slice(0, -1).join(", ") + " and " + parts[parts.length - 1];
  }

  // Every time on the page known to the minute (the launch's, a mission's
  // landing...), in the reader's own time zone.
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var inReaderZone = new Intl.DateTimeFormat(undefined, {
    dateStyle: "long",
    timeStyle: "short",
  });
  document.querySelectorAll("[data-reader-time]").forEach(function (readerTime) {
    var at = new Date(readerTime.getAttribute("data-reader-time"));
    readerTime.querySelector("time").textContent =
      inReaderZone.format(at) + (zone ? " (" + zone + ")" : "");
    readerTime.hidden = false;
  });

  var clock = document.querySelector("[data-countdown]");
  if (!clock) return;
  var net = new Date(clock.getAttribute("datetime")).getTime();
  var asOf = document.querySelector("[data-countdown-as-of]");
  if (asOf) asOf.remove(); // the text below is now live, not as of a time

  function tick() {
    var left = (net - Date.now()) / 1000;
    if (left > 0) {
      clock.textContent = countdown(left);
      return;
    }
    window.clearInterval(timer);
    clock.parentNode.textContent =
      "The earliest lift-off time has passed: see the status above.";
  }
  var timer = window.setInterval(tick, 1000);
  tick();
})();
