/* Signature pad for the care-plan agreement: draw with touch, pen or mouse on a <canvas>; the
   drawing goes into the hidden "signature" input as a PNG data URL when the form is sent. */
(function () {
  "use strict";
  var form = document.querySelector("[data-signature-form]");
  if (!form) { return; }
  var canvas = form.querySelector("[data-signature-pad]");
  var input = form.querySelector("input[name=signature]");
  var clear = form.querySelector("[data-signature-clear]");
  var group = form.querySelector("[data-signature-group]");
  var ctx = canvas.getContext("2d");
  var drawing = false;
  var drawn = false;

  ctx.lineWidth = 3;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.strokeStyle = "#1b1b1b";

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - box.left) * (canvas.width / box.width),
      y: (event.clientY - box.top) * (canvas.height / box.height)
    };
  }
  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    var p = point(event);
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    ctx.lineTo(p.x + 0.1, p.y + 0.1);
    ctx.stroke();
    drawn = true;
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) { return; }
    event.preventDefault();
    var p = point(event);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
  });
  function stop() { drawing = false; }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  canvas.addEventListener("pointerleave", stop);
  clear.addEventListener("click", function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
    input.value = "";
  });

  function method() {
    var checked = form.querySelector("input[name=method]:checked");
    return checked ? checked.value : "";
  }
  function toggle() {
    group.hidden = method() !== "signature";
  }
  Array.prototype.forEach.call(form.querySelectorAll("input[name=method]"), function (radio) {
    radio.addEventListener("change", toggle);
  });
  toggle();

  form.addEventListener("submit", function () {
    input.value = method() === "signature" && drawn ? canvas.toDataURL("image/png") : "";
  });
})();
