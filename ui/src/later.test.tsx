import { render, screen } from "@testing-library/react";
import { Suspense, type ComponentType } from "react";
import { later } from "./later";

const Hello = ({ name }: { name: string }) => <p>hello {name}</p>;

describe("later", () => {
  it("shows a component whose chunk was loaded ahead at once, with no fallback", async () => {
    const Shown = later(() => Promise.resolve(Hello));
    await Shown.load();
    render(
      <Suspense fallback={<p>waiting</p>}>
        <Shown name="Billing" />
      </Suspense>,
    );
    expect(screen.getByText("hello Billing")).toBeInTheDocument();
    expect(screen.queryByText("waiting")).toBeNull();
  });

  it("shows the fallback until the chunk of a component shown before it arrives", async () => {
    let arrive: (component: ComponentType<{ name: string }>) => void = () => undefined;
    const Shown = later(() => new Promise<ComponentType<{ name: string }>>((resolve) => { arrive = resolve; }));
    render(
      <Suspense fallback={<p>waiting</p>}>
        <Shown name="Billing" />
      </Suspense>,
    );
    expect(screen.getByText("waiting")).toBeInTheDocument();
    arrive(Hello);
    expect(await screen.findByText("hello Billing")).toBeInTheDocument();
  });
});
