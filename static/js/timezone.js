// Progressive enhancement: tell the server the visitor's time zone, so times are shown in it.
// Signed-in people choose their zone in their profile; this only helps visitors.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    var current = document.cookie.split("; ").find(function (c) { return c.indexOf("tz=") === 0; });
    if (current === "tz=" + encodeURIComponent(zone)) return;
    document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
  } catch (e) { /* an old browser: times stay in UTC with the zone named */ }
})();
