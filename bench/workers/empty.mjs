// The floor: a Worker that answers and does nothing else.
export default {
  fetch() {
    return new Response(null, { status: 204 });
  },
};
