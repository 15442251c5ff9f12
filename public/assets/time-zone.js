// Pre-selects the reader's own time zone in the subscribe form. Without JavaScript the form
// works the same, with the site's zone selected; a zone already chosen is never changed.
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var selects = document.querySelectorAll('select[data-browser-zone]');
  for (var i = 0; i < selects.length; i += 1) {
    var select = selects[i];
    for (var j = 0; j < select.options.length; j += 1) {
      if (select.options[j].value === zone) select.value = zone;
    }
  }
})();
