// Pre-selects the reader's own time zone in the subscribe form. Without JavaScript the form
// works the same, with the site's zone selected. Zones are compared by their canonical name:
// the browser may say Asia/Calcutta where the form offers Asia/Kolkata.
(function () {
  var canonical = function (zone) {
    try {
      return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
    } catch (err) {
      return zone;
    }
  };
  var zone = canonical(Intl.DateTimeFormat().resolvedOptions().timeZone);
  var selects = document.querySelectorAll('select[data-browser-zone]');
  for (var i = 0; i < selects.length; i += 1) {
    var options = selects[i].options;
    for (var j = 0; j < options.length; j += 1) {
      if (options[j].value === zone || canonical(options[j].value) === zone) {
        selects[i].value = options[j].value;
        break;
      }
    }
  }
})();
