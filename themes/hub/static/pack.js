// Information packs: shows the "Print this page" button, which is hidden when JavaScript is
// off (the page then tells readers to use the browser's Print command), and prints on click.
// An external file because the pages' Content-Security-Policy forbids inline script.
document.querySelectorAll(".print-button").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
