// Optional: makes each pupil-data timeline embed on this page exactly as tall as its
// content. Put it once on the page that holds the iframes:
//   <script src="https://TIMELINE-HOST/assets/embed-resize.js" async></script>
// It only listens to messages from the timeline's own address.
(function () {
  var script = document.currentScript;
  var origin = script ? new URL(script.src).origin : null;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || !data || typeof data.timelineEmbedHeight !== "number") {
      return;
    }
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.ceil(data.timelineEmbedHeight) + "px";
      }
    }
  });
})();
