// The demo's training text: our own short verse (no download, no licence to track). Small and
// repetitive on purpose, so a tiny GPT picks up its words within a few epochs on a CPU.
export const TINY_TEXT = `the river runs to the sea and the sea runs to the sky.
the sky falls as rain on the hill and the hill gives the rain to the river.
so the water goes round, and round it goes, and no drop is ever lost.
the miller hears the river and the miller turns the wheel.
the wheel turns the stone and the stone turns the grain to flour.
the baker takes the flour and the baker makes the bread.
the bread goes to the table and the children eat the bread.
the children run to the river and the children sing to the sea.
so the song goes round, and round it goes, and no word is ever lost.
the moon looks on the river and the river holds the moon.
the wind runs on the water and the water runs from the wind.
the fox sleeps on the hill and the owl sings in the tree.
the tree drinks the rain and the rain comes from the sea.
so the year goes round, and round it goes, and no day is ever lost.
`;
