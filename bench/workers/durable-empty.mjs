// The durable floor: the least a Worker can do and still not lose an event. It reads the body, hands it to a
// queue in one sendBatch call, answers 202, and its consumer acks. Tagwire is measured against this.
let consumed = 0;

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === "/__bench/consumed") return Response.json({ consumed });
    await env.QUEUE.sendBatch([{ body: await request.text() }]);
    return new Response(null, { status: 202 });
  },
  async queue(batch) {
    consumed += batch.messages.length;
    batch.ackAll();
  },
};
