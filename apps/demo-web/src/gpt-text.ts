// The tiny GPT's training text: our own short verse (nothing downloaded). Small and repetitive on
// purpose, so the model picks up its words within a few epochs in a browser tab.
export const GPT_TEXT = `the river runs to the sea and the sea runs to the sky.
the sky falls as rain on the hill and the hill gives the rain to the river.
so the water goes round, and round it goes, and no drop is ever lost.
the miller hears the river and the miller turns the wheel.
the wheel turns the stone and the stone turns the grain to flour.
the baker takes the flour and the baker makes the bread.
the bread goes to the table and the children eat the bread.
so the song goes round, and round it goes, and no word is ever lost.
`;
