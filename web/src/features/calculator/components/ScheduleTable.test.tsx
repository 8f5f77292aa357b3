import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ScheduleRow } from "../api/types";
import { ScheduleTable } from "./ScheduleTable";

const schedule: ScheduleRow[] = Array.from({ length: 30 }, (_, i) => ({
  number: i + 1,
  dueDate: `2027-${String((i % 12) + 1).padStart(2, "0")}-15`,
  payment: "100.00",
  principal: "90.00",
  interest: "10.00",
  fees: "0.00",
  balance: String(3000 - (i + 1) * 100) + ".00",
}));

describe("ScheduleTable", () => {
  it("pages through every payment", async () => {
    const user = userEvent.setup();
    render(<ScheduleTable schedule={schedule} currency="USD" />);
    const rows = () => within(screen.getByTestId("schedule")).getAllByRole("row").slice(1);
    expect(rows()).toHaveLength(12);
    expect(screen.getByText("Page 1 of 3")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Previous" })).toBeDisabled();

    await user.click(screen.getByRole("button", { name: "Next" }));
    await user.click(screen.getByRole("button", { name: "Next" }));
    expect(rows()).toHaveLength(6);
    expect(rows().at(-1)).toHaveTextContent("30");
    expect(rows().at(-1)).toHaveTextContent("$0.00");
    expect(screen.getByRole("button", { name: "Next" })).toBeDisabled();

    await user.selectOptions(screen.getByLabelText("Rows per page"), "60");
    expect(rows()).toHaveLength(30);
    expect(screen.getByText("Page 1 of 1")).toBeInTheDocument();
  });

  it("shows a fees column only when some payment carries a fee", () => {
    const { rerender } = render(<ScheduleTable schedule={schedule} currency="USD" />);
    expect(screen.queryByRole("columnheader", { name: "Fees" })).toBeNull();
    rerender(<ScheduleTable schedule={[{ ...schedule[0]!, fees: "5.00" }]} currency="USD" />);
    expect(screen.getByRole("columnheader", { name: "Fees" })).toBeInTheDocument();
  });
});
