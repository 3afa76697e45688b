/* RevealChainrule: a reveal.js plugin that lets the clicker drive the
   chainrule graphs framed in a deck, so a lecture needs no mouse.

     <script src="(your chainrule server)/deck/reveal-chainrule.js"></script>
     Reveal.initialize({ plugins: [RevealChainrule] });

   While the current slide holds a chainrule embed (an <iframe> of
   /embed/… or an offline copy that has announced itself), the deck's
   forward keys (PageDown, →, ↓, space, N) step the graph forward and its
   backward keys (PageUp, ←, ↑, P) step it back; once the embed reports
   that it is at its end (or start), the key goes to the deck as usual.
   When the keys are in the embed itself (after a click into it), the
   embed hands them back at either end ('{"method":"next"}'), and this
   plugin gives the focus back to the deck on the next slide.

   The embed's messages are described in static/js/embed_protocol.js. A
   classic script (no modules), so it loads from file:// as decks do. */
(function () {
  'use strict';

  var FORWARD = { PageDown: 1, ArrowRight: 1, ArrowDown: 1, ' ': 1, n: 1, N: 1 };
  var BACKWARD = { PageUp: 1, ArrowLeft: 1, ArrowUp: 1, p: 1, P: 1 };

  function isChainruleMessage(data) {
    return data !== null && typeof data === 'object' && data.chainrule === 1;
  }

  window.RevealChainrule = {
    id: 'chainrule',
    init: function (deck) {
      var states = new Map();   // an embed's window → its last announced state

      window.addEventListener('message', function (event) {
        if (isChainruleMessage(event.data) && event.data.event === 'state') states.set(event.source, event.data);
      });

      // An embed announces its state when it loads, which may be before this
      // plugin listens (a cached embed loads faster than the deck's scripts):
      // each frame is asked once the plugin starts, and again when its slide
      // comes up. A frame that is not chainrule ignores the question.
      function ask(frames) {
        Array.prototype.forEach.call(frames, function (frame) {
          if (frame.contentWindow) frame.contentWindow.postMessage({ chainrule: 1, command: 'state' }, '*');
        });
      }
      ask(document.querySelectorAll('.reveal iframe'));

      /** The chainrule embeds of the current slide, in document order. */
      function embeds() {
        var slide = deck.getCurrentSlide();
        if (!slide) return [];
        return Array.prototype.filter.call(slide.querySelectorAll('iframe'), function (frame) {
          return frame.contentWindow && states.has(frame.contentWindow);
        });
      }

      window.addEventListener('keydown', function (event) {
        if (event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) return;
        var direction = FORWARD[event.key] ? 'next' : (BACKWARD[event.key] ? 'prev' : null);
        if (!direction || deck.isOverview && deck.isOverview()) return;
        var frames = embeds();
        if (direction === 'prev') frames.reverse();
        // The first embed (the last, going back) that has steps left this way takes the key.
        for (var i = 0; i < frames.length; i += 1) {
          var state = states.get(frames[i].contentWindow);
          if (direction === 'next' ? state.atEnd : state.atStart) continue;
          event.preventDefault();
          event.stopImmediatePropagation();   // before reveal.js's own key handler
          frames[i].contentWindow.postMessage({ chainrule: 1, command: direction }, '*');
          return;
        }
      }, true);

      // Keys that were in an embed come back to the deck on the next slide.
      deck.on('slidechanged', function (event) {
        if (event.currentSlide) ask(event.currentSlide.querySelectorAll('iframe'));
        var active = document.activeElement;
        if (active && active.tagName === 'IFRAME') {
          active.blur();
          window.focus();
        }
      });
    },
  };
}());
