// What is being placed on a timeline right now: a new function from the list, or a step being
// moved (`from`, its address). `mode` is 'pointer' while dragging and 'keys' when the place is
// chosen with buttons (WCAG 2.5.7: every drag has a single-pointer and keyboard way).
export const drag = $state({ item: null, mode: null });

export function startPlacing(item, mode) {
  drag.item = item;
  drag.mode = mode;
}

export function stopPlacing() {
  drag.item = null;
  drag.mode = null;
}
