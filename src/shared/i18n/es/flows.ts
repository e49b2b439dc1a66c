/** What the customer flows say (flows/*.flow.ts). */
export const flows: Record<string, string> = {
  'flows.welcome': '¡Hola! 👋 Te damos la bienvenida. Soy el asistente virtual y estoy aquí para ayudarte.',
  'flows.welcome_named': '¡Hola, {name}! 👋 Te damos la bienvenida. Soy el asistente virtual y estoy aquí para ayudarte.',
  // The menu prompt; its options are buttons (Cloud API) or numbered lines (Baileys).
  'flows.menu': '¿En qué te puedo ayudar? Elige una opción (escribe *menú* cuando quieras para volver a verlas):',
  // Button titles: at most 20 characters (Meta's limit).
  'flows.menu_agent': 'Hablar con un agente',
  'flows.menu_orders': 'Mis pedidos',
  'flows.menu_opt_out': 'Darme de baja',
  'flows.fallback': 'No he entendido tu mensaje. 🤔 Responde con *1*, *2* o *3*, o escribe *menú* para ver las opciones.',
  'flows.agent': 'De acuerdo, paso tu conversación a un agente. Te responderá por este mismo chat lo antes posible. 🙋',
  'flows.orders_none': 'Todavía no hay pedidos registrados con este número. Si crees que es un error, responde *1* para hablar con un agente.',
  'flows.orders_header': 'Tus últimos pedidos:',
  'flows.orders_line': '• Pedido #{id} · {date} · {total} {currency} · {estado}',
  'flows.orders_footer': 'Si tienes alguna duda sobre un pedido, responde *1* para hablar con un agente.',
  'flows.order_state.pendiente': 'pendiente',
  'flows.order_state.confirmado': 'confirmado',
  'flows.order_state.enviado': 'enviado',
  'flows.order_state.entregado': 'entregado',
  'flows.order_state.cancelado': 'cancelado',
  'flows.opt_out_done':
    'Listo: ya no recibirás mensajes promocionales. ✅ Seguirás recibiendo respuestas a tus consultas y avisos de tus pedidos. Si cambias de opinión, escribe *ALTA*.',
  'flows.opt_out_already': 'Ya estabas de baja de las promociones. Si quieres volver a recibirlas, escribe *ALTA*.',
  'flows.opt_in_done': '¡Qué bien tenerte de vuelta! Volverás a recibir nuestras promociones. Puedes darte de baja cuando quieras escribiendo *BAJA*.',
  'flows.opt_in_already': 'Ya recibes nuestras promociones. Si prefieres no recibirlas, escribe *BAJA*.',
  'flows.media_received': '¡Gracias! Hemos recibido tu archivo. Si necesitas algo más, escribe *menú*.',
  'flows.identity_unknown':
    'Todavía no he podido identificar tu número de teléfono, así que no puedo hacer ese cambio. Inténtalo de nuevo en unos minutos o responde *1* para hablar con un agente.',
};
