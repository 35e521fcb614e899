# Assessment schemes, score sheets and aggregation live here (see DESIGN §7).
