/* The event the graph's SVG gets before a picture of the whole drawing is
   taken (export.js): a big drawing then makes the arrows its view has not
   reached yet (view.js, render.js cullGraph). Its own module: export.js is
   also loaded on its own, and must not bring the player with it. */
export const WHOLE_DRAWING = 'chainrule:whole-drawing';
