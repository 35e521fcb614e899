# Award rounds, nominations, recommendations and certificates live here (see DESIGN §7).
