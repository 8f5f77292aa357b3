import { mayHaveSession } from "./session";

describe("the session hint", () => {
  it("is there only when the server set le_session=1", () => {
    expect(mayHaveSession("theme=dark; le_session=1")).toBe(true);
    expect(mayHaveSession("le_session=1")).toBe(true);
    expect(mayHaveSession("")).toBe(false);
    expect(mayHaveSession("le_session=; theme=dark")).toBe(false);
    expect(mayHaveSession("not_le_session=1")).toBe(false);
  });
});
