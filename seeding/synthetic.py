"""What marks a row of the national-scale data set as synthetic: its code starts with `PREFIX`,
which is how `seed_scale --reset` finds the rows to remove. Its own module so that every scale
module can import it while `scale_campaigns` imports `scale_work`, one way only."""

PREFIX = "SYN-"
